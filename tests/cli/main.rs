//! Integration tests: run the real `logwarden` binary on fixture files in a temp dir per test
//! and check the CSV it writes. One test binary, split into modules by topic.

mod util;

mod bad_input;
mod export;
mod query;
mod saved_queries;
mod saved_queries_time;
mod sli;
mod table_ref;
