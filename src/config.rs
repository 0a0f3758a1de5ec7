//! `logwarden.toml`: the typed configuration (field mappings, prices, owners, PII rules, SLOs,
//! alerts, review rules), loaded once and checked strictly: an unknown key or a bad value is an
//! error naming the key and line.

use crate::analysis::slo::config::{
    workbook_burn_rates, AlertSeverities, BurnRateAlert, Scope, SloConfig,
};
use crate::prices::Price;
use crate::record::format::Field;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The whole configuration; every section is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Logical field → JSON path, for shapes the presets do not know.
    pub fields: BTreeMap<String, String>,
    /// Model name or glob → USD per 1M tokens in/out.
    pub prices: BTreeMap<String, Price>,
    /// The RACI table: category (model, infra, data, ux, policy) → owning team.
    pub owners: Owners,
    /// Alert thresholds and budgets shared by the SLO and cost reports.
    pub alerts: Alerts,
    /// PII detection: disabled types, allowlists, custom types, fingerprint key.
    pub pii: crate::pii::PiiConfig,
    /// Service level objectives (`logwarden slo`).
    pub slo: SloConfig,
    /// Where the configuration came from and its parsed text without its secrets (see
    /// `pii::scrub_secrets`), recorded in `summary.json`.
    #[serde(skip)]
    pub source: Option<(String, toml::Table)>,
    /// Cost-anomaly rules and the forecast's run-rate window.
    pub cost: crate::analysis::cost::CostConfig,
    /// The quality-drift trend test.
    pub quality: crate::analysis::cost::QualityConfig,
    /// The weekly failure review: case thresholds, excerpts, clustering, category rules.
    pub review: crate::analysis::review::ReviewConfig,
}

/// `[alerts]`: thresholds of the per-bucket alerts and the spend budgets.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Alerts {
    /// Alert when a day's or hour's success rate falls below this fraction.
    pub success_rate_below: f64,
    /// Alert when a bucket's p95 latency exceeds this many milliseconds.
    pub p95_ms_above: f64,
    /// Alert when a day's total cost exceeds this many USD (off when absent).
    pub daily_cost_usd: Option<f64>,
    /// Monthly spend budget in USD (cost SLO, forecast run-out date; off when absent).
    pub monthly_budget_usd: Option<f64>,
    /// Buckets with fewer requests than this raise no rate alert (too little traffic).
    pub min_requests: u64,
    /// Scopes the per-bucket alerts are evaluated for (`all` and/or dimensions).
    pub scopes: Vec<Scope>,
    /// A breach alerts only when chance would explain it with probability below this
    /// (one-sided binomial test; threshold and burn-rate alerts); 1 alerts on every breach.
    pub significance: f64,
    /// Severity of each kind of threshold alert.
    pub severity: AlertSeverities,
    /// Multiwindow burn-rate conditions (default: the SRE workbook's four).
    pub burn_rate: Vec<BurnRateAlert>,
}

impl Default for Alerts {
    fn default() -> Self {
        Alerts {
            // The same bars as the default objectives, so a threshold alert and a burn-rate
            // alert judge a bucket alike (see `analysis::slo::config::DEFAULT_*`).
            success_rate_below: crate::analysis::slo::config::DEFAULT_AVAILABILITY,
            p95_ms_above: crate::analysis::slo::config::DEFAULT_LATENCY_MS,
            daily_cost_usd: None,
            monthly_budget_usd: None,
            min_requests: 20,
            scopes: vec![Scope::All],
            significance: 0.001,
            severity: AlertSeverities::default(),
            burn_rate: workbook_burn_rates(),
        }
    }
}

/// Who owns each category of problem.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Owners {
    pub model: String,
    pub infra: String,
    pub data: String,
    pub ux: String,
    pub policy: String,
}

impl Default for Owners {
    fn default() -> Self {
        Owners {
            model: "ML".into(),
            infra: "Platform".into(),
            data: "Data".into(),
            ux: "Product".into(),
            policy: "Legal/Compliance".into(),
        }
    }
}

/// A configuration that could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read config: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Invalid {
        path: String,
        line: usize,
        message: String,
    },
}

impl Config {
    /// Parses configuration text; `path` names it in errors.
    pub fn parse(text: &str, path: &str) -> Result<Config, ConfigError> {
        let cfg: Config = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| {
                text[..s.start.min(text.len())].matches('\n').count() + 1
            });
            ConfigError::Invalid {
                path: path.to_string(),
                line,
                message: e.message().replace('\n', " "),
            }
        })?;
        cfg.check(text, path)?;
        let mut cfg = cfg;
        // The recorded copy never holds the fingerprint key or the allowlisted values.
        cfg.source = toml::from_str::<toml::Table>(text).ok().map(|mut t| {
            crate::pii::scrub_secrets(&mut t);
            (path.to_string(), t)
        });
        Ok(cfg)
    }

    /// Reads and parses a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: name.clone(),
            source: e,
        })?;
        Config::parse(&text, &name)
    }

    /// The config file to use: `--config`, else `$LOGWARDEN_CONFIG`, else `./logwarden.toml` if
    /// it exists, else none (defaults).
    pub fn locate(explicit: Option<&Path>) -> Option<PathBuf> {
        if let Some(p) = explicit {
            return Some(p.to_path_buf());
        }
        if let Some(p) = std::env::var_os("LOGWARDEN_CONFIG") {
            return Some(PathBuf::from(p));
        }
        let local = PathBuf::from("logwarden.toml");
        local.exists().then_some(local)
    }

    /// Checks values serde cannot: field names, price signs.
    fn check(&self, text: &str, path: &str) -> Result<(), ConfigError> {
        let invalid = |key: &str, message: String| ConfigError::Invalid {
            path: path.to_string(),
            line: line_of_key(text, key),
            message,
        };
        for (key, json_path) in &self.fields {
            if Field::parse(key).is_none() {
                return Err(invalid(
                    key,
                    format!("[fields] unknown field `{key}` (expected one of the native record's fields, e.g. ts, status, latency_ms, model)"),
                ));
            }
            if let Err(why) = crate::record::format::check_path(json_path) {
                return Err(ConfigError::Invalid {
                    path: path.to_string(),
                    line: line_in_section(text, "fields", key),
                    message: format!("[fields] {key} = \"{json_path}\" is not a JSON path: {why} (write keys with dots and indices in brackets, e.g. choices[0].message.content)"),
                });
            }
        }
        self.cost
            .check()
            .map_err(|(key, m)| invalid_in_section(text, path, "cost", key, m))?;
        self.quality
            .check()
            .map_err(|(key, m)| invalid_in_section(text, path, "quality", key, m))?;
        for (model, p) in &self.prices {
            if !(p.input >= 0.0 && p.output >= 0.0 && p.input.is_finite() && p.output.is_finite()) {
                return Err(invalid(
                    model,
                    format!("[prices] `{model}`: prices must be non-negative numbers"),
                ));
            }
            if let Err(why) = crate::prices::check_pattern(model) {
                return Err(ConfigError::Invalid {
                    path: path.to_string(),
                    line: line_in_section(text, "prices", model),
                    message: format!("[prices] `{model}` is not a valid model glob: {why}"),
                });
            }
        }
        self.slo
            .check(&self.alerts)
            .map_err(|(key, message)| invalid(&key, message))?;
        self.check_pii(text, path)?;
        Ok(())
    }

    /// Compiles the `[pii]` rules once, so that a bad custom type, allowlist pattern, disabled
    /// type or class is reported with the file and line, before any input is read.
    fn check_pii(&self, text: &str, path: &str) -> Result<(), ConfigError> {
        use crate::pii::{DataClass, Detectors, PiiConfigError};
        let invalid = |line: usize, message: String| ConfigError::Invalid {
            path: path.to_string(),
            line,
            message,
        };
        let detectors = Detectors::new(&self.pii).map_err(|e| {
            let line = match &e {
                PiiConfigError::CustomRegex { name, .. } | PiiConfigError::EmptyRegex { name } => {
                    line_of_custom(text, name, Some("regex"))
                }
                PiiConfigError::UnknownValidator { name, .. } => {
                    line_of_custom(text, name, Some("validator"))
                }
                PiiConfigError::InvalidName { name, .. } => line_of_custom(text, name, None),
                PiiConfigError::UnknownType { .. } => line_in_section(text, "pii", "disable"),
                PiiConfigError::AllowPattern { .. } => {
                    line_in_section(text, "pii", "allow_patterns")
                }
                PiiConfigError::UnknownRegion { .. } => line_in_section(text, "pii", "regions"),
            };
            invalid(line, e.to_string())
        })?;
        let pii = &self.pii;
        if DataClass::parse(&pii.default_class).is_none() {
            return Err(invalid(
                line_in_section(text, "pii", "default_class"),
                format!(
                    "[pii] default_class = \"{}\": expected one of public, internal, confidential, pii",
                    pii.default_class
                ),
            ));
        }
        for (t, c) in &pii.classes {
            let line = line_in_section(text, "pii.classes", t);
            if !detectors.types().iter().any(|d| d.name == *t) {
                return Err(invalid(line, format!("[pii.classes] unknown type `{t}`")));
            }
            if DataClass::parse(c).is_none() {
                return Err(invalid(
                    line,
                    format!("[pii.classes] {t} = \"{c}\": expected one of public, internal, confidential, pii"),
                ));
            }
        }
        Ok(())
    }

    /// The `[fields]` overrides as typed pairs.
    pub fn field_overrides(&self) -> Vec<(Field, String)> {
        self.fields
            .iter()
            .filter_map(|(k, v)| Field::parse(k).map(|f| (f, v.clone())))
            .collect()
    }
}

/// An invalid value of `key` in `[section]`, located at the key's line inside that section
/// (the same key may appear in other sections).
fn invalid_in_section(
    text: &str,
    path: &str,
    section: &str,
    key: &str,
    message: String,
) -> ConfigError {
    let header = format!("[{section}]");
    let mut inside = false;
    let mut line = 1;
    for (i, l) in text.lines().enumerate() {
        let l = l.trim_start();
        if l.starts_with('[') {
            inside = l.starts_with(&header);
            if inside {
                line = i + 1;
            }
        } else if inside && l.starts_with(key) {
            line = i + 1;
            break;
        }
    }
    ConfigError::Invalid {
        path: path.to_string(),
        line,
        message,
    }
}

/// The 1-based line where `key` is set inside `[section]` (the section's header line if not
/// found there, 1 without the section).
fn line_in_section(text: &str, section: &str, key: &str) -> usize {
    let header = format!("[{section}]");
    let mut inside = false;
    let mut found = 1;
    for (i, l) in text.lines().enumerate() {
        let l = l.trim_start();
        if l.starts_with('[') {
            inside = l.starts_with(&header);
            if inside {
                found = i + 1;
            }
        } else if inside && is_key_line(l, key) {
            return i + 1;
        }
    }
    found
}

/// True when the line sets `key` (bare or quoted) with `=`.
fn is_key_line(l: &str, key: &str) -> bool {
    let rest = l
        .strip_prefix(key)
        .or_else(|| l.strip_prefix(&format!("\"{key}\"")));
    rest.is_some_and(|r| r.trim_start().starts_with('='))
}

/// The line of the `[[pii.custom]]` entry named `name`: its `field` line when given and found
/// in that entry, else the line of its name.
fn line_of_custom(text: &str, name: &str, field: Option<&str>) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let quoted = [format!("\"{name}\""), format!("'{name}'")];
    let Some(at) = lines
        .iter()
        .position(|l| l.contains("name") && quoted.iter().any(|q| l.contains(q.as_str())))
    else {
        return line_in_section(text, "[pii.custom]", "name");
    };
    if let Some(field) = field {
        // Inline tables hold the field on the name's line; else look within the entry.
        if lines[at].contains(field) && lines[at].contains('{') {
            return at + 1;
        }
        for (i, l) in lines.iter().enumerate().skip(at + 1) {
            let l = l.trim_start();
            if l.starts_with('[') {
                break;
            }
            if is_key_line(l, field) {
                return i + 1;
            }
        }
        // The field may come before the name in its entry.
        for i in (0..at).rev() {
            let l = lines[i].trim_start();
            if l.starts_with('[') {
                break;
            }
            if is_key_line(l, field) {
                return i + 1;
            }
        }
    }
    at + 1
}

/// The 1-based line where `key` first appears as a key, for messages (1 if not found).
fn line_of_key(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.starts_with(key) || l.starts_with(&format!("\"{key}\""))
        })
        .map_or(1, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_name_key_and_line() {
        let e = Config::parse(
            "[prices]\n\"m\" = { input = 1, output = 2 }\n[owners]\nmodle = \"x\"\n",
            "c.toml",
        )
        .unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with("c.toml:4:"), "{msg}");
        assert!(msg.contains("modle"), "{msg}");
        let e = Config::parse("[fields]\nlatency = \"a.b\"\n", "c.toml").unwrap_err();
        assert!(e.to_string().contains("c.toml:2:"), "{e}");
    }

    #[test]
    fn pii_errors_name_file_and_line_once() {
        let cases = [
            ("[pii]\nkey = \"k\"\ndisable = [\"NOPE\"]\n", 3, "NOPE"),
            ("[pii]\nallow_patterns = [\"(\"]\n", 2, "allow_patterns"),
            (
                "[pii]\nkey = \"k\"\n\n[[pii.custom]]\nname = \"EMP\"\nsecret = true\nregex = \"\"\n",
                7,
                "EMP",
            ),
            (
                "[[pii.custom]]\nname = \"A\"\nregex = \"a\"\n[[pii.custom]]\nname = \"B\"\nregex = \"(\"\n",
                6,
                "\"B\"",
            ),
            (
                "[[pii.custom]]\nname = \"V\"\nregex = \"v\"\nvalidator = \"crc\"\n",
                4,
                "crc",
            ),
            ("[pii]\ndefault_class = \"secret\"\n", 2, "default_class"),
            ("[pii.classes]\nJWT = \"top\"\n", 2, "JWT"),
        ];
        for (text, line, needle) in cases {
            let e = Config::parse(text, "c.toml").unwrap_err().to_string();
            assert!(e.starts_with(&format!("c.toml:{line}: [pii")), "{e}");
            assert!(e.contains(needle), "{e}");
            assert!(!e.contains("[pii] [pii"), "{e}");
        }
    }

    #[test]
    fn defaults_and_values() {
        let c = Config::parse(
            "[owners]\nmodel = \"ML Team\"\n[fields]\nlatency_ms = \"timing.total_ms\"\n",
            "c",
        )
        .unwrap();
        assert_eq!(c.owners.model, "ML Team");
        assert_eq!(c.owners.infra, "Platform");
        assert_eq!(
            c.field_overrides(),
            vec![(Field::LatencyMs, "timing.total_ms".to_string())]
        );
        assert!(Config::parse("[prices]\nm = { input = -1, output = 0 }\n", "c").is_err());
        let c = Config::parse("[cost]\nratio_above = 2.0\n[quality]\nweeks = 6\n", "c").unwrap();
        assert_eq!(
            (c.cost.ratio_above, c.cost.z_threshold, c.quality.weeks),
            (2.0, 4.0, 6)
        );
        let e = Config::parse(
            "[alerts]\nmin_requests = 5\n[cost]\nz_threshold = 3\nmin_requests = 0\nratio_below = 2\n",
            "c.toml",
        )
        .unwrap_err();
        assert!(
            e.to_string().starts_with("c.toml:6: [cost] ratio_below"),
            "{e}"
        );
    }
}
