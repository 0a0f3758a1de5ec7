//! Criterion benches for the hot paths on `logwarden gen` data held in memory: the record
//! scanner feeding the SLI fold, and the PII audit of every string.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use logwarden::analysis::group::GroupSpec;
use logwarden::analysis::pii::{Classifier, DataClass, PiiAudit, PiiContext};
use logwarden::analysis::sli::Sli;
use logwarden::analysis::{Analysis, Line};
use logwarden::gen::{generate, GenConfig};
use logwarden::pii::{Detectors, Fingerprinter, PiiConfig};
use logwarden::record::format::{Format, FormatKind};
use logwarden::record::Location;

fn sample() -> Vec<u8> {
    let mut out = Vec::new();
    let cfg = GenConfig {
        records: 20_000,
        ..GenConfig::default()
    };
    generate(&cfg, &mut out).expect("generate in memory");
    out
}

/// Folds every line of `data` into `acc` the way the scan does (without the thread pool).
fn fold<A: Analysis>(data: &[u8], format: &Format, acc: &mut A) {
    for (i, raw) in data.split(|&b| b == b'\n').enumerate() {
        if raw.is_empty() {
            continue;
        }
        let loc = Location {
            file: 0,
            line: i as u64 + 1,
        };
        let mut first = true;
        let _ = format.records(raw, |rec| {
            let text = std::str::from_utf8(raw).expect("lines with records are UTF-8");
            let line = Line { loc, text };
            if first {
                first = false;
                acc.observe_line(&line, Some(rec));
            }
            acc.observe(rec, &line);
        });
    }
}

fn bench(c: &mut Criterion) {
    let data = sample();
    let format = Format::new(FormatKind::Native, &[]);
    let mut group = c.benchmark_group("scan");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.sample_size(10);
    group.bench_function("sli_day_model", |b| {
        b.iter(|| {
            let mut sli = Sli::new(GroupSpec::parse("day,model").expect("spec"));
            fold(&data, &format, &mut sli);
            sli.finish()
        })
    });
    let detectors = Detectors::new(&PiiConfig::default()).expect("detectors");
    let fingerprints = Fingerprinter::new(b"bench");
    let classifier = Classifier::new(&detectors, DataClass::Internal, &Default::default());
    let ctx = PiiContext {
        detectors: &detectors,
        fingerprints: &fingerprints,
        classifier: &classifier,
        baseline: &logwarden::pii::Baseline::default(),
    };
    group.bench_function("pii_audit", |b| {
        b.iter(|| {
            let mut audit = PiiAudit::new(&ctx);
            fold(&data, &format, &mut audit);
            audit.finish()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
