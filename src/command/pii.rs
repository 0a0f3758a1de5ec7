//! `logwarden pii`: the retroactive PII / secret audit (`pii_findings.csv`, `pii_summary.csv`,
//! `pii_classes.csv`) and the one-paragraph summary on stderr.

use super::{check_skips, sources, Common, Outcome};
use crate::analysis::findings::Head;
use crate::analysis::pii::{Classifier, DataClass, PiiAudit, PiiContext, PiiReport};
use crate::analysis::Analysis;
use crate::output::{OutputFolder, Table};
use crate::pii::{Baseline, Detectors, Fingerprinter, PiiConfig};
use crate::skip::thousands;
use anyhow::{anyhow, Context};
use std::collections::BTreeMap;

/// Everything the audit needs besides the input: detectors, key and classification rules.
pub struct PiiSetup {
    pub detectors: Detectors,
    pub fingerprints: Fingerprinter,
    pub classifier: Classifier,
    /// Fingerprints of accepted findings (`--baseline` and `[pii] ignore_fingerprints`).
    pub baseline: Baseline,
    /// True when the built-in key is in use (worth one notice).
    pub default_key: bool,
}

impl PiiSetup {
    /// Builds the detectors and rules from `[pii]`; errors name the config key.
    pub fn new(cfg: &PiiConfig) -> anyhow::Result<PiiSetup> {
        PiiSetup::with_baseline(cfg, None)
    }

    /// As `new`, with the accepted fingerprints of a baseline file (`--baseline`) added to
    /// `[pii] ignore_fingerprints`; errors name the file and line.
    pub fn with_baseline(
        cfg: &PiiConfig,
        baseline: Option<&std::path::Path>,
    ) -> anyhow::Result<PiiSetup> {
        let mut accepted = Baseline::from_config(&cfg.ignore_fingerprints)?;
        if let Some(path) = baseline {
            accepted.add_file(path)?;
        }
        // Every message of a `[pii]` error names its key already (`[pii] disable: …`).
        let detectors = Detectors::new(cfg).map_err(|e| anyhow!("{e}"))?;
        let (key, default_key) = crate::pii::fingerprint_key(cfg);
        let fingerprints = Fingerprinter::new(&key);
        let class = |name: &str, key: &str| {
            DataClass::parse(name).ok_or_else(|| {
                anyhow!(
                    "[pii] {key} = \"{name}\": expected one of public, internal, confidential, pii"
                )
            })
        };
        let default = class(&cfg.default_class, "default_class")?;
        let mut overrides = BTreeMap::new();
        for (t, c) in &cfg.classes {
            if !(0..detectors.type_count() as u16).any(|i| detectors.type_name(i) == t) {
                return Err(anyhow!("[pii.classes] unknown type `{t}`"));
            }
            overrides.insert(t.clone(), class(c, &format!("classes.{t}"))?);
        }
        let classifier = Classifier::new(&detectors, default, &overrides);
        Ok(PiiSetup {
            detectors,
            fingerprints,
            classifier,
            baseline: accepted,
            default_key,
        })
    }

    pub fn context(&self) -> PiiContext<'_> {
        PiiContext {
            detectors: &self.detectors,
            fingerprints: &self.fingerprints,
            classifier: &self.classifier,
            baseline: &self.baseline,
        }
    }
}

/// What `pii` was asked for.
#[derive(Debug, Clone)]
pub struct PiiRequest {
    pub common: Common,
    /// A previous `pii_findings.csv` or a file of fingerprints: findings of the values in it
    /// are accepted and not reported again (`--baseline`).
    pub baseline: Option<std::path::PathBuf>,
}

/// Runs the audit.
pub fn run(req: &PiiRequest) -> anyhow::Result<Outcome> {
    let common = &req.common;
    crate::pii::warm_up(&common.config.pii);
    let setup = PiiSetup::with_baseline(&common.config.pii, req.baseline.as_deref())?;
    let sources = sources(common)?;
    let ctx = setup.context();
    let (acc, summary) = crate::scan::scan(&sources, &common.scan, || PiiAudit::new(&ctx))?;
    check_skips(common, &summary, super::Needs::Records)?;
    let report = acc.finish();
    if !common.quiet {
        if setup.default_key {
            eprintln!("logwarden: no fingerprint key set ([pii] key or LOGWARDEN_PII_KEY): fingerprints use the built-in key, stable but not secret");
        }
        eprintln!("logwarden: {}", paragraph(&report));
        if let Some(note) = baseline_note(&setup, &report) {
            eprintln!("logwarden: {note}");
        }
    }
    write_outputs(
        common,
        &setup,
        &report,
        &summary.files,
        &[
            ("pii_summary.csv", &summary_table(&report)),
            ("pii_classes.csv", &classes_table(&report)),
            ("skipped.csv", &super::skipped_table(&summary)),
        ],
    )?;
    Ok(Outcome {
        findings: report.count() > 0,
        ..Outcome::default()
    })
}

/// Writes `pii_findings.csv` streamed from the report (its findings may be spilled to disk) to
/// stdout, or with the other tables under `-o DIR`, all committed together.
fn write_outputs(
    common: &Common,
    setup: &PiiSetup,
    report: &PiiReport,
    files: &[String],
    tables: &[(&str, &Table)],
) -> anyhow::Result<()> {
    match &common.output {
        None => {
            let out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
            match report.write_findings(files, out) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e).context("stdout"),
                _ => Ok(()),
            }
        }
        Some(dir) => {
            let set = OutputFolder::begin(dir, common.quiet)?;
            add_findings(&set, "pii_findings.csv", report, files, Head::default())?;
            add_sarif(
                &set,
                "pii_findings.sarif",
                setup,
                report,
                files,
                Head::default(),
            )?;
            for (name, table) in tables {
                set.add(name, &table.to_csv())?;
            }
            set.commit()?;
            Ok(())
        }
    }
}

/// Writes `pii_findings.csv` as `name` into `folder`, streamed from the report (the rows of the
/// first files as `head` says).
pub fn add_findings(
    folder: &OutputFolder,
    name: &str,
    report: &PiiReport,
    files: &[String],
    head: Head<'_>,
) -> anyhow::Result<()> {
    folder.write_with(name, |w| report.write_findings_with(files, w, head))?;
    Ok(())
}

/// Stages `pii_findings.sarif` (SARIF 2.1.0) as `name` in `folder`, streamed from the report
/// (the results of the first files as `head` says).
pub fn add_sarif(
    folder: &OutputFolder,
    name: &str,
    setup: &PiiSetup,
    report: &PiiReport,
    files: &[String],
    head: Head<'_>,
) -> anyhow::Result<()> {
    folder.write_with(name, |w| {
        crate::output::sarif::write_with(report, setup.detectors.types(), files, w, head)
    })?;
    Ok(())
}

/// `pii_summary.csv`: per type and field, findings, records affected and distinct values.
pub fn summary_table(report: &PiiReport) -> Table {
    let mut t = Table::new([
        "pii_type",
        "field",
        "findings",
        "records",
        "distinct_values",
    ]);
    for r in report.summary() {
        t.push(vec![
            r.pii_type,
            r.field,
            r.findings.to_string(),
            r.records.to_string(),
            r.distinct_values.to_string(),
        ]);
    }
    t
}

/// `pii_classes.csv`: records per data class.
pub fn classes_table(report: &PiiReport) -> Table {
    let mut t = Table::new(["class", "records"]);
    for c in DataClass::ALL {
        t.push(vec![
            c.name().to_string(),
            report.classes[c as usize].to_string(),
        ]);
    }
    t
}

/// A warning when accepted fingerprints were given but none occurred: most likely the baseline
/// was made with another fingerprint key.
pub fn baseline_note(setup: &PiiSetup, report: &PiiReport) -> Option<String> {
    (!setup.baseline.is_empty() && report.suppressed == 0 && report.lines > 0).then(|| {
        format!(
            "none of the {} accepted fingerprints (--baseline, [pii] ignore_fingerprints) occurred; fingerprints depend on the key ([pii] key or LOGWARDEN_PII_KEY), so a baseline made with another key matches nothing",
            thousands(setup.baseline.len() as u64)
        )
    })
}

/// The stderr sentence on accepted findings left out, empty when none were.
fn suppressed_sentence(report: &PiiReport) -> String {
    match report.suppressed {
        0 => String::new(),
        s => format!(
            " {} findings of accepted values suppressed (--baseline, [pii] ignore_fingerprints).",
            thousands(s)
        ),
    }
}

/// The stderr paragraph: totals, types, secrets, classes, and findings suppressed.
pub fn paragraph(report: &PiiReport) -> String {
    let n = report.count();
    // Lines that were not JSON were audited too, as text: say so, so a clean result over
    // damaged input is not taken for less than it is.
    let mut text = match report.text_lines {
        0 => String::new(),
        1 => " (1 line was not JSON and was audited as text)".to_string(),
        t => format!(
            " ({} lines were not JSON and were audited as text)",
            thousands(t)
        ),
    };
    if report.custom_bounded > 0 {
        text.push_str(&format!(
            " ({} values longer than {} bytes had a [[pii.custom]] match reach the end of a search window; matches longer than {} bytes may be cut there)",
            thousands(report.custom_bounded),
            thousands(crate::pii::CUSTOM_WINDOW as u64),
            crate::pii::CUSTOM_OVERLAP
        ));
    }
    if n == 0 {
        return format!(
            "PII audit: no findings in {} records{text}.{}",
            thousands(report.lines),
            suppressed_sentence(report)
        );
    }
    let types: Vec<String> = report
        .by_type()
        .iter()
        .map(|(t, c)| format!("{t} {}", thousands(*c)))
        .collect();
    let secrets = report.tally.secrets;
    let classes: Vec<String> = DataClass::ALL
        .iter()
        .rev()
        .filter(|c| report.classes[**c as usize] > 0)
        .map(|c| format!("{} {}", c.name(), thousands(report.classes[*c as usize])))
        .collect();
    format!(
        "PII audit: {} findings in {} of {} lines ({}){text}; {} of them secrets. Lines by class: {}.{}",
        thousands(n),
        thousands(report.records_affected()),
        thousands(report.lines),
        types.join(", "),
        thousands(secrets),
        classes.join(", "),
        suppressed_sentence(report)
    )
}
