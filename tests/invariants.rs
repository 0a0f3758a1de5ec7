//! Invariants over random inputs (proptest), through the library's scan:
//! - `sli` over several files equals `sli` over their concatenation, and its mergeable columns
//!   (counts, cost, tokens) equal the sums of the per-file results;
//! - under a tiny `--max-memory` budget the table is the same for any chunking and thread
//!   count, and within the histogram's error of the exact one.

use logwarden::analysis::group::{GroupKey, GroupSpec};
use logwarden::analysis::latency::{SampleBudget, RELATIVE_ERROR};
use logwarden::analysis::sli::{Sli, SliReport, SliValues};
use logwarden::analysis::Analysis;
use logwarden::input::{discover, Source};
use logwarden::scan::{scan, ScanOptions};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

/// One random request line (about three days, three models, a few statuses), with some text
/// to make chunk cuts land mid-line.
fn line() -> impl Strategy<Value = String> {
    (
        0i64..3 * 86_400,
        prop::sample::select(vec![200u16, 200, 200, 201, 404, 429, 500, 503]),
        prop::option::weighted(0.9, 1u32..200_000),
        0usize..3,
        0u32..5000,
        0u32..3000,
        "[a-z ]{0,40}",
    )
        .prop_map(|(t, status, lat, model, cost, tokens, text)| {
            let lat = lat.map_or(String::new(), |l| format!(",\"latency_ms\":{}.{}", l / 10, l % 10));
            format!(
                "{{\"ts\":{},\"status\":{status}{lat},\"model\":\"m{model}\",\"cost_usd\":0.{cost:04},\"tokens_in\":{tokens},\"prompt\":\"{text}\"}}",
                1_795_400_000 + t
            )
        })
}

fn sources_of(dir: &std::path::Path, files: &[Vec<String>]) -> Vec<Source> {
    std::fs::create_dir_all(dir).unwrap();
    let names: Vec<String> = files
        .iter()
        .enumerate()
        .map(|(i, lines)| {
            let p = dir.join(format!("part-{i}.jsonl"));
            std::fs::write(&p, lines.join("\n") + "\n").unwrap();
            p.display().to_string()
        })
        .collect();
    discover(&names).unwrap()
}

fn sli(sources: &[Source], by: &str, chunk_bytes: usize, threads: usize, budget: u64) -> SliReport {
    let opts = ScanOptions {
        chunk_bytes,
        threads,
        ..ScanOptions::default()
    };
    let spec = GroupSpec::parse(by).unwrap();
    let budget = Arc::new(SampleBudget::new(budget));
    let (acc, _) = scan(sources, &opts, || Sli::with_budget(spec.clone(), &budget)).unwrap();
    acc.finish()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Equal tables, but for the last bits of cost sums: a float sum depends on the order in which
/// chunks are added, and chunks differ with the chunk size (never with the thread count).
fn same_tables(a: &SliReport, b: &SliReport) -> Result<(), TestCaseError> {
    prop_assert_eq!(a.rows.len(), b.rows.len());
    for ((ka, va), (kb, vb)) in a.rows.iter().zip(&b.rows) {
        prop_assert_eq!(ka, kb);
        prop_assert!(
            close(va.cost_usd, vb.cost_usd),
            "cost {} vs {}",
            va.cost_usd,
            vb.cost_usd
        );
        let strip = |v: &SliValues| SliValues {
            cost_usd: 0.0,
            ..v.clone()
        };
        prop_assert_eq!(strip(va), strip(vb));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn files_merge_like_their_concatenation(
        lines in prop::collection::vec(line(), 1..300),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..4),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut at: Vec<usize> = cuts.iter().map(|c| c.index(lines.len() + 1)).collect();
        at.sort_unstable();
        let mut files = Vec::new();
        let mut prev = 0;
        for &c in at.iter().chain([lines.len()].iter()) {
            files.push(lines[prev..c].to_vec());
            prev = c;
        }
        let whole = sli(&sources_of(&dir.path().join("w"), std::slice::from_ref(&lines)), "day,model", 1 << 20, 1, u64::MAX);
        let split = sli(&sources_of(&dir.path().join("s"), &files), "day,model", 4096, 2, u64::MAX);
        // Several files scanned together: exactly the concatenation's table.
        same_tables(&split, &whole)?;
        // Each file alone, merged by summing the mergeable columns: the same counts and sums.
        let mut merged: BTreeMap<GroupKey, (u64, u64, u64, u64, f64, u64)> = BTreeMap::new();
        for f in &files {
            let sub = dir.path().join(format!("one-{}", f.as_ptr() as usize));
            let one = sli(&sources_of(&sub, std::slice::from_ref(f)), "day,model", 4096, 1, u64::MAX);
            for (k, v) in one.rows {
                let m = merged.entry(k).or_default();
                m.0 += v.requests;
                m.1 += v.success;
                m.2 += v.errors_4xx;
                m.3 += v.errors_5xx;
                m.4 += v.cost_usd;
                m.5 += v.tokens_in;
            }
        }
        let whole: BTreeMap<GroupKey, SliValues> = whole.rows.iter().cloned().collect();
        prop_assert_eq!(merged.len(), whole.len());
        for (k, m) in merged {
            let w = &whole[&k];
            prop_assert_eq!((m.0, m.1, m.2, m.3, m.5), (w.requests, w.success, w.errors_4xx, w.errors_5xx, w.tokens_in));
            prop_assert!(close(m.4, w.cost_usd), "cost {} vs {}", m.4, w.cost_usd);
        }
    }

    #[test]
    fn tiny_budget_is_deterministic_and_close(
        lines in prop::collection::vec(line(), 1..4000),
        chunk in 64usize..50_000,
        threads in 1usize..4,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let latencies = lines.iter().filter(|l| l.contains("latency_ms")).count();
        let sources = sources_of(dir.path(), &[lines]);
        // By month: one or two groups, so most are past the 1,024 samples that stay exact.
        let exact = sli(&sources, "month", 1 << 20, 1, u64::MAX);
        let one = sli(&sources, "month", 1 << 20, 1, 100);
        let other = sli(&sources, "month", chunk, threads, 100);
        same_tables(&one, &other)?;
        prop_assert_eq!(one.approximate, latencies > 100);
        prop_assert_eq!(other.approximate, latencies > 100);
        prop_assert!(!exact.approximate);
        for ((_, e), (_, a)) in exact.rows.iter().zip(&one.rows) {
            for (x, y) in [(e.p50_ms, a.p50_ms), (e.p95_ms, a.p95_ms), (e.p99_ms, a.p99_ms)] {
                match (x, y) {
                    (Some(x), Some(y)) => prop_assert!((x - y).abs() <= RELATIVE_ERROR * x + 1e-9, "{} vs {}", y, x),
                    (x, y) => prop_assert_eq!(x, y),
                }
            }
        }
    }
}
