//! Integration tests: run the real `logwarden` binary on fixture files in a temp dir per test
//! and check the CSV it writes. One test binary, split into modules by topic.

mod util;

mod bad_input;
mod baseline;
mod config;
mod cost;
mod docs;
mod export;
mod formats;
mod outputs;

mod inputs;
mod numbers;
mod pii;
mod pii_national;
mod pii_oracles;
mod query;
mod report;
mod review;
mod safety;
mod sarif;
mod saved_queries;
mod saved_queries_time;
mod sli;
mod slo;
mod state;
mod table_ref;
mod trust;
