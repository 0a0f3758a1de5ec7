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

mod invalid;
pub use invalid::{Invalid, Seg, Validate};
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
        cfg.validate_sections().map_err(|e| ConfigError::Invalid {
            path: path.to_string(),
            line: invalid::line_of(text, &e.path),
            message: e.message,
        })?;
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

    /// Every section's checks of what serde cannot express, in file order; the error names
    /// the refused value by its key path.
    fn validate_sections(&self) -> Result<(), Invalid> {
        crate::record::format::validate_fields(&self.fields).map_err(|e| e.in_key("fields"))?;
        crate::prices::validate_prices(&self.prices).map_err(|e| e.in_key("prices"))?;
        self.cost.validate().map_err(|e| e.in_key("cost"))?;
        self.quality.validate().map_err(|e| e.in_key("quality"))?;
        self.alerts.validate().map_err(|e| e.in_key("alerts"))?;
        // Objectives read the alert budget, so `[slo]` is checked knowing `[alerts]`.
        self.slo.check(&self.alerts).map_err(|e| e.in_key("slo"))?;
        self.pii.validate().map_err(|e| e.in_key("pii"))?;
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
    fn refused_values_point_at_their_own_line() {
        let cases = [
            // `min_requests` is set in two sections; the refused one is in [cost].
            ("[alerts]\nmin_requests = 5\nsuccess_rate_below = 2\n", 3, "[alerts] success_rate_below"),
            ("[prices]\n\"a\" = { input = 1, output = 2 }\n\"b\" = { input = 1, output = -2 }\n", 3, "[prices] `b`"),
            ("[prices]\n\"gpt-[4]\" = { input = 1, output = 2 }\n", 2, "model glob"),
            ("[fields]\nmodel = \"a..b\"\n", 2, "[fields] model"),
            ("[[alerts.burn_rate]]\nlong_window = \"1h\"\nshort_window = \"5m\"\nthreshold = 2\nseverity = \"P1\"\n[[alerts.burn_rate]]\nlong_window = \"1h\"\nshort_window = \"5m\"\nthreshold = -2\nseverity = \"P1\"\n", 9, "threshold"),
            ("[pii]\nregions = [\"GB\",\n  \"XX\"]\n", 3, "XX"),
        ];
        for (text, line, needle) in cases {
            let e = Config::parse(text, "c.toml").unwrap_err().to_string();
            assert!(e.starts_with(&format!("c.toml:{line}: ")), "{text}: {e}");
            assert!(e.contains(needle), "{text}: {e}");
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
