//! Durable fold state: what a run of `report` folded, written to a file (`--emit-state`) and
//! finished later, alone or merged with the states of other shards (`logwarden merge`).
//!
//! A state file is `MAGIC`, a header (format version, logwarden version, what the state is,
//! and a hash of everything that shapes it: the configuration, the fingerprint key, `--by`,
//! `--format`, `--since`/`--until`, `--max-line-bytes`), then the body: the scan's totals and
//! every analysis's accumulator, encoded with `postcard` (a compact, documented serde wire
//! format). A state never holds a raw PII value: findings are kept as their masked rows of
//! `pii_findings.csv` with keyed fingerprints, review cases as their masked excerpts, exactly
//! as the outputs show them. States load in input order: the file indices of a state are
//! shifted past those of the states before it (`loading`), so merged locations stay exact.

pub mod compact;
pub mod identity;
pub mod incremental;
pub mod loading;
pub mod rendered;
pub mod store;

use crate::analysis::all::AllAnalyses;
use crate::analysis::cost::CostAnalysis;
use crate::analysis::findings::FindingsState;
use crate::analysis::group::GroupSpec;
use crate::analysis::pii::{PiiAudit, PiiContext};
use crate::analysis::review::Review;
use crate::analysis::sli::Sli;
use crate::analysis::slo::Slo;
use crate::command::Common;
use crate::scan::ScanSummary;
use loading::Loading;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;

/// The first bytes of every state file.
pub const MAGIC: &[u8; 8] = b"LWSTATE\x00";

/// The version of the state layout; a state of another version is rejected, never misread.
/// (2: the `--state` index keeps a digest per file and the merged prefix; 3: latencies in the
/// compact sorted form of `compact`; 4: the review's vocabulary notes the token ids that
/// more than one stem shared; 5: `--state DIR` keeps each body in a file of its own, see
/// `store`.)
pub const FORMAT_VERSION: u32 = 5;

/// What a state says about itself, checked before its body is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub format: u32,
    /// The logwarden version that wrote it (accumulators may change between versions).
    pub logwarden: String,
    /// What the body holds: `report`.
    pub kind: String,
    /// SHA-256 (hex) of the configuration and options that shape the state.
    pub config_hash: String,
}

impl Header {
    /// The header of a `report` state made with `common` and `--by by`.
    pub fn report(common: &Common, by: &GroupSpec) -> Header {
        Header {
            format: FORMAT_VERSION,
            logwarden: env!("CARGO_PKG_VERSION").to_string(),
            kind: "report".to_string(),
            config_hash: config_hash(common, by),
        }
    }
}

/// The hash of everything that changes what a scan folds: the configuration as parsed (every
/// key, so prices, `[fields]`, `[pii]`, `[slo]`, `[review]`…), the fingerprint key (only its
/// hash enters the state), and the options `--by`, `--format`, `--since`, `--until` and
/// `--max-line-bytes`. Threads, chunking and `--max-memory` do not change the folded result.
pub fn config_hash(common: &Common, by: &GroupSpec) -> String {
    let mut h = Sha256::new();
    let mut part = |name: &str, bytes: &[u8]| {
        h.update(name.as_bytes());
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    let config = common
        .config
        .source
        .as_ref()
        .map(|(_, t)| serde_json::to_string(t).unwrap_or_default())
        .unwrap_or_default();
    part("config", config.as_bytes());
    part("key", &crate::pii::fingerprint_key(&common.config.pii).0);
    part("by", format!("{by:?}").as_bytes());
    let s = &common.scan;
    part("format", format!("{:?}", s.format).as_bytes());
    part("fields", format!("{:?}", s.fields).as_bytes());
    part("since", format!("{:?}", s.since).as_bytes());
    part("until", format!("{:?}", s.until).as_bytes());
    part("max_line_bytes", &(s.max_line_bytes as u64).to_le_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Why a state file cannot be used: one line, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("{0}: cannot read the state: {1}")]
    Io(String, std::io::Error),
    #[error("{0}: not a logwarden state file")]
    NotAState(String),
    #[error("{0}: state format {1}, this logwarden reads format {FORMAT_VERSION}; make it again with this version")]
    Format(String, u32),
    #[error("{0}: state made by logwarden {1}, this is {2}; make it again with this version")]
    Version(String, String, String),
    #[error("{0}: a `{1}` state, not a `report` state")]
    Kind(String, String),
    #[error("{0}: state made with another configuration or options (hash {1}…, this run {2}…); use the same logwarden.toml, key, --by, --format, --since, --until and --max-line-bytes")]
    Config(String, String, String),
    #[error("{0}: the state is damaged: {1}")]
    Damaged(String, String),
}

/// The body of a `report` state, borrowed for writing (`encode_body` writes its fields side by
/// side, in this order).
#[derive(Serialize)]
pub struct ReportBodyRef<'a> {
    pub scan: &'a ScanSummary,
    pub sli: &'a Sli,
    pub daily: &'a Sli,
    pub pii: &'a FindingsState,
    pub slo: &'a Slo,
    pub cost: &'a CostAnalysis,
    pub review: &'a Review,
}

/// The body of a `report` state, read back (same fields, same order as `ReportBodyRef`).
#[derive(Deserialize)]
pub struct ReportBody {
    pub scan: ScanSummary,
    pub sli: Sli,
    pub daily: Sli,
    pub pii: FindingsState,
    pub slo: Slo,
    pub cost: CostAnalysis,
    pub review: Review,
}

impl ReportBody {
    /// The accumulator of a loaded state, ready to be merged after the ones before it (into
    /// an accumulator of the run, which holds the run's latency budgets), and its scan summary.
    pub fn into_analyses<'d>(self, pii_ctx: &'d PiiContext<'d>) -> (AllAnalyses<'d>, ScanSummary) {
        let ReportBody {
            scan,
            mut sli,
            mut daily,
            pii,
            slo,
            cost,
            review,
        } = self;
        sli.charge_on_merge();
        daily.charge_on_merge();
        let acc = AllAnalyses {
            sli,
            daily,
            pii: PiiAudit::from_state(pii_ctx, pii),
            slo,
            cost,
            review,
        };
        (acc, scan)
    }
}

/// The body of a state (no header) of an accumulator: the findings are settled into masked
/// rows, then put back, so the reports can still be finished from the same accumulator.
pub fn encode_body<'d>(
    pii_ctx: &'d PiiContext<'d>,
    acc: &mut AllAnalyses<'d>,
    summary: &ScanSummary,
) -> anyhow::Result<Vec<u8>> {
    use anyhow::Context;
    let pii = std::mem::replace(&mut acc.pii, PiiAudit::new(pii_ctx))
        .into_state()
        .context("findings")?;
    // postcard writes a struct as its fields one after the other, so the fields of
    // `ReportBodyRef` are encoded side by side and joined in their order.
    fn enc<T: Serialize + ?Sized>(v: &T) -> anyhow::Result<Vec<u8>> {
        postcard::to_stdvec(v).map_err(|e| anyhow::anyhow!("encoding the state: {e}"))
    }
    // The review holds a cache that is not `Sync`: it is encoded on this thread while the
    // other fields are encoded on another.
    let (sli, daily, slo, cost) = (&acc.sli, &acc.daily, &acc.slo, &acc.cost);
    let pii_ref = &pii;
    let (others, review) = std::thread::scope(|s| {
        let others = s.spawn(|| {
            rayon::join(
                || rayon::join(|| enc(summary), || enc(sli)),
                || {
                    rayon::join(
                        || rayon::join(|| enc(daily), || enc(pii_ref)),
                        || rayon::join(|| enc(slo), || enc(cost)),
                    )
                },
            )
        });
        let review = enc(&acc.review);
        (others.join(), review)
    });
    let ((scan, sli), ((daily, pii_bytes), (slo, cost))) =
        others.map_err(|_| anyhow::anyhow!("encoding the state failed"))?;
    let parts = [scan?, sli?, daily?, pii_bytes?, slo?, cost?, review?];
    let bytes = parts.concat();
    debug_assert_eq!(
        bytes,
        postcard::to_stdvec(&ReportBodyRef {
            scan: summary,
            sli: &acc.sli,
            daily: &acc.daily,
            pii: &pii,
            slo: &acc.slo,
            cost: &acc.cost,
            review: &acc.review,
        })
        .unwrap()
    );
    acc.pii = PiiAudit::from_state(pii_ctx, pii);
    Ok(bytes)
}

/// Decodes a state body (no header, of a state this run kept) with `loading`.
pub fn decode_body(name: &str, bytes: &[u8], loading: &Loading) -> anyhow::Result<ReportBody> {
    loading
        .scope(|| postcard::from_bytes(bytes))
        .map_err(|e| anyhow::anyhow!("{name}: the kept state is damaged: {e}"))
}

/// Encodes a state: magic, header, body.
pub fn encode<B: Serialize>(header: &Header, body: &B) -> Result<Vec<u8>, postcard::Error> {
    let mut out = MAGIC.to_vec();
    out = postcard::to_extend(header, out)?;
    postcard::to_extend(body, out)
}

/// Reads the header of a state's bytes, and the rest (the body).
pub fn read_header<'b>(name: &str, bytes: &'b [u8]) -> Result<(Header, &'b [u8]), StateError> {
    let rest = bytes
        .strip_prefix(MAGIC.as_slice())
        .ok_or_else(|| StateError::NotAState(name.to_string()))?;
    let (header, body): (Header, &[u8]) =
        postcard::take_from_bytes(rest).map_err(|_| StateError::NotAState(name.to_string()))?;
    Ok((header, body))
}

/// Checks a header against what this run expects.
pub fn check(name: &str, got: &Header, want: &Header) -> Result<(), StateError> {
    if got.format != want.format {
        return Err(StateError::Format(name.to_string(), got.format));
    }
    if got.logwarden != want.logwarden {
        return Err(StateError::Version(
            name.to_string(),
            got.logwarden.clone(),
            want.logwarden.clone(),
        ));
    }
    if got.kind != want.kind {
        return Err(StateError::Kind(name.to_string(), got.kind.clone()));
    }
    if got.config_hash != want.config_hash {
        return Err(StateError::Config(
            name.to_string(),
            got.config_hash.chars().take(12).collect(),
            want.config_hash.chars().take(12).collect(),
        ));
    }
    Ok(())
}

/// Reads a `report` state from `bytes` (named `name` in errors), checked against `want`, with
/// its file indices shifted by `loading.file_base`.
pub fn decode_report(
    name: &str,
    bytes: &[u8],
    want: &Header,
    loading: &Loading,
) -> Result<ReportBody, StateError> {
    let (header, body) = read_header(name, bytes)?;
    check(name, &header, want)?;
    let (body, rest): (ReportBody, &[u8]) = loading
        .scope(|| postcard::take_from_bytes(body))
        .map_err(|e| StateError::Damaged(name.to_string(), e.to_string()))?;
    if !rest.is_empty() {
        return Err(StateError::Damaged(
            name.to_string(),
            format!("{} bytes after the end", rest.len()),
        ));
    }
    Ok(body)
}

/// Reads a state file.
pub fn read_file(path: &Path) -> Result<Vec<u8>, StateError> {
    std::fs::read(path).map_err(|e| StateError::Io(path.display().to_string(), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trip_and_checks() {
        let want = Header {
            format: FORMAT_VERSION,
            logwarden: "0.1.0".into(),
            kind: "report".into(),
            config_hash: "ab".repeat(32),
        };
        let bytes = encode(&want, &(1u32, "body")).unwrap();
        let (h, rest) = read_header("s", &bytes).unwrap();
        assert_eq!(h, want);
        assert_eq!(
            postcard::from_bytes::<(u32, &str)>(rest).unwrap(),
            (1, "body")
        );
        assert!(matches!(
            read_header("s", b"LWSTATE"),
            Err(StateError::NotAState(_))
        ));
        assert!(matches!(
            read_header("s", b"{\"json\":1}"),
            Err(StateError::NotAState(_))
        ));
        let other = Header {
            config_hash: "cd".repeat(32),
            ..want.clone()
        };
        let e = check("a.state", &other, &want).unwrap_err().to_string();
        assert!(
            e.starts_with("a.state: state made with another configuration"),
            "{e}"
        );
        assert!(!e.contains('\n'));
        let old = Header {
            format: 0,
            ..want.clone()
        };
        assert!(matches!(
            check("s", &old, &want),
            Err(StateError::Format(_, 0))
        ));
        assert!(check("s", &want, &want).is_ok());
    }
}
