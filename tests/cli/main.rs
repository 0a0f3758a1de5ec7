//! Integration tests: run the real `logwarden` binary on fixture files in a temp dir per test
//! and check the CSV it writes. One test binary, split into modules by topic.

mod util;

mod bad_input;
mod review;
mod sli;
