//! logwarden: turns raw AI-service request logs (JSONL) into PII/secret audits, SLIs and SLOs,
//! cost trends and weekly failure reviews, from one parallel scan.
//!
//! Data flows one way: `input` (mapped or streamed chunks) → `record` (a borrowed view of one
//! line through a format preset) → `analysis` (folds: observe, merge, finish) → `output`.

pub mod analysis;
pub mod bucket;
pub mod cli;
pub mod command;
pub mod config;
pub mod gen;
pub mod input;
pub mod output;
pub mod pii;
pub mod prices;
pub mod progress;
pub mod record;
pub mod redact;
pub mod report;
pub mod scan;
pub mod skip;
pub mod state;
#[cfg(feature = "table")]
pub mod table;
pub mod timing;
