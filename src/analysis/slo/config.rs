//! `[slo]` in `logwarden.toml`: objectives named after OpenSLO's fields, their defaults and
//! checks, resolved into the objectives the analysis judges.

pub use super::alert_config::{
    workbook_burn_rates, AlertSeverities, BurnRateAlert, Severity, Span,
};
use crate::config::Alerts;
use crate::record::Dim;
use serde::Deserialize;
use std::fmt;

/// What a series of counters is kept for: every request, or one series per value of a
/// dimension (`model`, `endpoint`, `tenant`, `stage`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub enum Scope {
    All,
    Dim(Dim),
}

impl Scope {
    /// The spelling in the config and in the `scope` column (`all`, `model`, …).
    pub fn name(self) -> &'static str {
        match self {
            Scope::All => "all",
            Scope::Dim(d) => d.name(),
        }
    }
}

impl TryFrom<String> for Scope {
    type Error = String;
    fn try_from(s: String) -> Result<Scope, String> {
        if s == "all" {
            return Ok(Scope::All);
        }
        Dim::parse(&s).map(Scope::Dim).ok_or_else(|| {
            format!("unknown scope `{s}` (all, model, version, endpoint, stage, tenant, user_id)")
        })
    }
}

/// The period an objective is judged over (OpenSLO `timeWindow`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum TimeWindow {
    /// The last N days of the data, ending at its last timestamp (`"30d"`).
    Rolling { days: u32 },
    /// Each calendar month (UTC) the data touches (`"month"`).
    Month,
    /// Each ISO week (UTC) the data touches (`"week"`).
    Week,
}

impl TryFrom<String> for TimeWindow {
    type Error = String;
    fn try_from(s: String) -> Result<TimeWindow, String> {
        match s.as_str() {
            "month" | "calendar_month" => return Ok(TimeWindow::Month),
            "week" | "iso_week" => return Ok(TimeWindow::Week),
            _ => {}
        }
        s.strip_suffix('d')
            .and_then(|n| n.parse::<u32>().ok())
            .filter(|n| (1..=3660).contains(n))
            .map(|days| TimeWindow::Rolling { days })
            .ok_or_else(|| {
                format!("unknown time window `{s}` (e.g. \"30d\" rolling, \"month\", \"week\")")
            })
    }
}

impl fmt::Display for TimeWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeWindow::Rolling { days } => write!(f, "{days}d"),
            TimeWindow::Month => f.write_str("month"),
            TimeWindow::Week => f.write_str("week"),
        }
    }
}

/// What an objective measures (OpenSLO `indicator`, limited to what logs alone can tell).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// Good = a 2xx status, out of all requests.
    SuccessRate,
    /// Good = latency at or below `value` ms, out of the requests with a latency.
    Latency,
    /// Spend in USD against a budget of `value` per window.
    Cost,
}

/// One `[[slo.objectives]]` entry as written.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveConfig {
    /// Identifier, written in the `slo` column (OpenSLO `metadata.name`).
    pub name: String,
    /// Human-readable name (OpenSLO `metadata.displayName`).
    #[serde(default, alias = "displayName")]
    pub display_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub indicator: Indicator,
    /// Comparison of `value` (OpenSLO `op`); only `lte` is meaningful for these indicators.
    #[serde(default)]
    pub op: Option<String>,
    /// Latency threshold in ms, or the cost budget in USD per window (OpenSLO `value`).
    #[serde(default)]
    pub value: Option<f64>,
    /// Fraction of good events required (OpenSLO `target`), for success rate and latency.
    #[serde(default)]
    pub target: Option<f64>,
    #[serde(default, alias = "timeWindow")]
    pub time_window: Option<TimeWindow>,
    /// Only `occurrences` (every request counts once; OpenSLO `budgetingMethod`).
    #[serde(default, alias = "budgetingMethod")]
    pub budgeting_method: Option<String>,
    #[serde(default)]
    pub scopes: Option<Vec<Scope>>,
}

/// `[slo.compare]`: the significance rule of `slo --compare`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CompareConfig {
    /// A difference is significant when its two-sided p-value is below this.
    pub alpha: f64,
    /// Smallest absolute change of a rate (success_rate, error_rate_*) that counts.
    pub min_rate_change: f64,
    /// Smallest relative change of a latency percentile that counts (0.10 = 10 %).
    pub min_latency_change: f64,
}

impl Default for CompareConfig {
    fn default() -> Self {
        CompareConfig {
            alpha: 0.001,
            min_rate_change: 0.002,
            min_latency_change: 0.10,
        }
    }
}

/// `[slo]`: the service level objectives.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SloConfig {
    /// Window of objectives that do not name their own.
    #[serde(alias = "timeWindow")]
    pub time_window: TimeWindow,
    /// Scopes of objectives that do not name their own.
    pub scopes: Vec<Scope>,
    /// The objectives; when empty, the defaults (availability, latency, and cost when
    /// `[alerts] monthly_budget_usd` is set).
    pub objectives: Vec<ObjectiveConfig>,
    pub compare: CompareConfig,
}

impl Default for SloConfig {
    fn default() -> Self {
        SloConfig {
            time_window: TimeWindow::Rolling { days: 30 },
            scopes: vec![Scope::All],
            objectives: Vec::new(),
            compare: CompareConfig::default(),
        }
    }
}

/// The default availability target: 99 % of requests answered with a 2xx. Success counts
/// client errors (4xx, 429) as failures, and an LLM API sees about 0.5 % of them in normal
/// operation (context too long, invalid requests, rate limits); at 99.5 % a healthy service
/// would miss its objective every month. It equals `[alerts] success_rate_below`.
pub const DEFAULT_AVAILABILITY: f64 = 0.99;

/// The default latency threshold in ms: 10 s, the limit for keeping a user's attention on a
/// waiting answer (Nielsen's response-time limits). LLM answers take seconds by nature (a
/// 500-token answer at 50–100 tokens/s is 5–10 s), so 3 s counted one request in seven of a
/// healthy service as bad; at 10 s normal days of `gen` data have 1–2 % bad and incident
/// hours 20–30 %.
pub const DEFAULT_LATENCY_MS: f64 = 10_000.0;

/// The default share of requests that must be within [`DEFAULT_LATENCY_MS`] (p95).
pub const DEFAULT_LATENCY_TARGET: f64 = 0.95;

/// What a resolved objective measures and against what.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ObjectiveKind {
    SuccessRate { target: f64 },
    Latency { threshold_ms: f64, target: f64 },
    Cost { budget_usd: f64 },
}

/// An objective with every default filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    pub name: String,
    pub display_name: String,
    pub kind: ObjectiveKind,
    pub window: TimeWindow,
    pub scopes: Vec<Scope>,
}

impl Objective {
    /// The allowed fraction of bad events, for the objectives that have one.
    pub fn allowed_bad(&self) -> Option<f64> {
        match self.kind {
            ObjectiveKind::SuccessRate { target } | ObjectiveKind::Latency { target, .. } => {
                Some(1.0 - target)
            }
            ObjectiveKind::Cost { .. } => None,
        }
    }

    /// The `objective` column: what must hold, in words a reader of the CSV understands.
    pub fn describe(&self) -> String {
        match self.kind {
            ObjectiveKind::SuccessRate { target } => format!("success_rate >= {target}"),
            ObjectiveKind::Latency {
                threshold_ms,
                target,
            } => format!("latency_ms <= {threshold_ms} for >= {target} of requests"),
            ObjectiveKind::Cost { budget_usd } => {
                format!("cost_usd <= {budget_usd} per {}", self.window)
            }
        }
    }
}

pub use crate::config::Invalid;

impl SloConfig {
    /// The objectives in force: the configured ones, or the defaults.
    pub fn objectives(&self, alerts: &Alerts) -> Vec<Objective> {
        if self.objectives.is_empty() {
            return self.default_objectives(alerts);
        }
        self.objectives
            .iter()
            .filter_map(|o| self.resolve(o, alerts).ok())
            .collect()
    }

    fn default_objectives(&self, alerts: &Alerts) -> Vec<Objective> {
        let mut out = vec![
            Objective {
                name: "availability".into(),
                display_name: "Requests answered with a 2xx status".into(),
                kind: ObjectiveKind::SuccessRate {
                    target: DEFAULT_AVAILABILITY,
                },
                window: self.time_window,
                scopes: self.scopes.clone(),
            },
            Objective {
                name: "latency".into(),
                display_name: "Requests answered within 10 s (p95 <= 10000 ms)".into(),
                kind: ObjectiveKind::Latency {
                    threshold_ms: DEFAULT_LATENCY_MS,
                    target: DEFAULT_LATENCY_TARGET,
                },
                window: self.time_window,
                scopes: self.scopes.clone(),
            },
        ];
        if let Some(budget_usd) = alerts.monthly_budget_usd {
            out.push(Objective {
                name: "cost".into(),
                display_name: "Monthly spend within budget".into(),
                kind: ObjectiveKind::Cost { budget_usd },
                window: TimeWindow::Month,
                scopes: vec![Scope::All],
            });
        }
        out
    }

    fn resolve(&self, o: &ObjectiveConfig, alerts: &Alerts) -> Result<Objective, Invalid> {
        // Errors name the objective's key; `check` adds which objective.
        let invalid =
            |key: &str, m: String| Invalid::at(key, format!("[slo] objective `{}`: {m}", o.name));
        if o.name.trim().is_empty() {
            return Err(Invalid::at("name", "[slo] objective with an empty name"));
        }
        if let Some(op) = &o.op {
            if op != "lte" {
                return Err(invalid(
                    "op",
                    format!("op `{op}` is not supported (only lte: good when at or below value)"),
                ));
            }
        }
        if let Some(m) = &o.budgeting_method {
            if !m.eq_ignore_ascii_case("occurrences") {
                return Err(invalid(
                    "budgeting_method",
                    format!("budgeting_method `{m}` is not supported (only occurrences)"),
                ));
            }
        }
        let target = |o: &ObjectiveConfig| match o.target {
            Some(t) if t > 0.0 && t < 1.0 => Ok(t),
            Some(t) => Err(invalid(
                "target",
                format!("target {t} must be a fraction strictly between 0 and 1 (e.g. 0.995)"),
            )),
            None => Err(invalid("target", "needs a target (e.g. 0.995)".into())),
        };
        let positive = |v: Option<f64>, what: &str| match v {
            Some(v) if v > 0.0 && v.is_finite() => Ok(v),
            Some(v) => Err(invalid(
                "value",
                format!("value {v} must be a positive number ({what})"),
            )),
            None => Err(invalid("value", format!("needs a value ({what})"))),
        };
        let kind = match o.indicator {
            Indicator::SuccessRate => ObjectiveKind::SuccessRate { target: target(o)? },
            Indicator::Latency => ObjectiveKind::Latency {
                threshold_ms: positive(o.value, "the latency threshold in ms")?,
                target: target(o)?,
            },
            Indicator::Cost => {
                let budget = o.value.or(alerts.monthly_budget_usd);
                ObjectiveKind::Cost {
                    budget_usd: positive(
                        budget,
                        "the budget in USD per window, or [alerts] monthly_budget_usd",
                    )?,
                }
            }
        };
        let window = o.time_window.unwrap_or(match o.indicator {
            Indicator::Cost => TimeWindow::Month,
            _ => self.time_window,
        });
        let scopes = dedup(o.scopes.clone().unwrap_or_else(|| match o.indicator {
            Indicator::Cost => vec![Scope::All],
            _ => self.scopes.clone(),
        }));
        if scopes.is_empty() {
            return Err(invalid(
                "scopes",
                "scopes must name at least one scope".into(),
            ));
        }
        Ok(Objective {
            name: o.name.clone(),
            display_name: o.display_name.clone().unwrap_or_else(|| o.name.clone()),
            kind,
            window,
            scopes,
        })
    }

    /// Checks what serde cannot: targets, thresholds, unique names, window pairs.
    pub fn check(&self, alerts: &Alerts) -> Result<(), Invalid> {
        let mut names = Vec::new();
        for (i, o) in self.objectives.iter().enumerate() {
            let in_entry = |e: Invalid| e.in_index(i).in_key("objectives");
            self.resolve(o, alerts).map_err(in_entry)?;
            if names.contains(&o.name) {
                return Err(in_entry(Invalid::at(
                    "name",
                    format!("[slo] two objectives are named `{}`", o.name),
                )));
            }
            names.push(o.name.clone());
        }
        let c = &self.compare;
        if !(c.alpha > 0.0 && c.alpha < 1.0) {
            return Err(
                Invalid::at("alpha", "[slo.compare] alpha must be in (0, 1)").in_key("compare"),
            );
        }
        if !(c.min_rate_change >= 0.0 && c.min_latency_change >= 0.0) {
            let key = if c.min_rate_change >= 0.0 {
                "min_latency_change"
            } else {
                "min_rate_change"
            };
            return Err(
                Invalid::at(key, "[slo.compare] minimum changes must be non-negative")
                    .in_key("compare"),
            );
        }
        let thresholds = latency_thresholds(&self.objectives(alerts), alerts);
        if thresholds.len() > super::MAX_LATENCY_THRESHOLDS {
            return Err(Invalid::at(
                "objectives",
                format!(
                    "[slo] at most {} distinct latency thresholds (objectives and p95_ms_above)",
                    super::MAX_LATENCY_THRESHOLDS
                ),
            ));
        }
        Ok(())
    }
}

/// The distinct latency thresholds that need a "slower than" counter: every latency
/// objective's and the p95 alert's, in first-seen order.
pub fn latency_thresholds(objectives: &[Objective], alerts: &Alerts) -> Vec<f64> {
    let mut out: Vec<f64> = Vec::new();
    let mut push = |t: f64| {
        if !out.contains(&t) {
            out.push(t);
        }
    };
    for o in objectives {
        if let ObjectiveKind::Latency { threshold_ms, .. } = o.kind {
            push(threshold_ms);
        }
    }
    push(alerts.p95_ms_above);
    out
}

fn dedup(scopes: Vec<Scope>) -> Vec<Scope> {
    let mut out = Vec::new();
    for s in scopes {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn defaults_follow_the_issue() {
        let c = Config::default();
        let objs = c.slo.objectives(&c.alerts);
        assert_eq!(objs.len(), 2, "no cost objective without a budget");
        assert_eq!(objs[0].kind, ObjectiveKind::SuccessRate { target: 0.99 });
        assert_eq!(
            objs[1].kind,
            ObjectiveKind::Latency {
                threshold_ms: 10_000.0,
                target: 0.95
            }
        );
        // One "slower than" counter serves the objective and the p95 alert.
        assert_eq!(latency_thresholds(&objs, &c.alerts), vec![10_000.0]);
        assert_eq!(c.alerts.success_rate_below, DEFAULT_AVAILABILITY);
        assert_eq!(objs[0].window, TimeWindow::Rolling { days: 30 });
        let c = Config::parse("[alerts]\nmonthly_budget_usd = 5000\n", "c").unwrap();
        let objs = c.slo.objectives(&c.alerts);
        assert_eq!(objs[2].kind, ObjectiveKind::Cost { budget_usd: 5000.0 });
        assert_eq!(objs[2].window, TimeWindow::Month);
        assert_eq!(c.alerts.burn_rate, workbook_burn_rates());
    }

    #[test]
    fn openslo_names_and_checks() {
        let text = r#"
[slo]
timeWindow = "week"
scopes = ["all", "model"]

[[slo.objectives]]
name = "fast"
displayName = "Fast answers"
indicator = "latency"
op = "lte"
value = 2000
target = 0.9
budgetingMethod = "Occurrences"

[[slo.objectives]]
name = "spend"
indicator = "cost"
value = 100
time_window = "7d"

[alerts]
scopes = ["all", "tenant"]
severity = { p95 = "P2" }

[[alerts.burn_rate]]
long_window = "2h"
short_window = "10m"
threshold = 10
severity = "P0"
"#;
        let c = Config::parse(text, "c").unwrap();
        let objs = c.slo.objectives(&c.alerts);
        assert_eq!(objs[0].display_name, "Fast answers");
        assert_eq!(objs[0].window, TimeWindow::Week);
        assert_eq!(objs[0].scopes, vec![Scope::All, Scope::Dim(Dim::Model)]);
        assert_eq!(objs[1].window, TimeWindow::Rolling { days: 7 });
        assert_eq!(objs[1].scopes, vec![Scope::All]);
        assert_eq!(c.alerts.severity.p95, Severity::P2);
        assert_eq!(c.alerts.burn_rate.len(), 1);
        assert_eq!(c.alerts.burn_rate[0].long_window.minutes, 120);

        for (bad, want) in [
            ("[[slo.objectives]]\nname = \"a\"\nindicator = \"success_rate\"\ntarget = 1.5\n", "c:4: [slo] objective `a`: target 1.5"),
            // The error points into the entry that holds it, at the refused key.
            ("[[slo.objectives]]\nname = \"a\"\nindicator = \"success_rate\"\ntarget = 0.9\n\n[[slo.objectives]]\nname = \"b\"\nindicator = \"latency\"\ntarget = 0.9\nvalue = -1\n", "c:10: [slo] objective `b`: value -1"),
            ("[[slo.objectives]]\nname = \"a\"\nindicator = \"success_rate\"\ntarget = 0.9\n[[slo.objectives]]\nname = \"a\"\nindicator = \"success_rate\"\ntarget = 0.9\n", "c:6: [slo] two objectives"),
            ("[cost]\nmin_requests = 1\n[slo.compare]\nmin_rate_change = 0.1\nmin_latency_change = -1\n", "c:5: [slo.compare]"),
            ("[[slo.objectives]]\nname = \"a\"\nindicator = \"latency\"\ntarget = 0.9\n", "needs a value"),
            ("[[slo.objectives]]\nname = \"a\"\nindicator = \"cost\"\n", "monthly_budget_usd"),
            ("[slo]\ntime_window = \"fortnight\"\n", "c:2:"),
            ("[slo]\nscopes = [\"colour\"]\n", "unknown scope"),
            ("[alerts]\nsignificance = 0\n", "c:2:"),
            ("[[alerts.burn_rate]]\nlong_window = \"5m\"\nshort_window = \"1h\"\nthreshold = 2\nseverity = \"P1\"\n", "shorter"),
            ("[[alerts.burn_rate]]\nlong_window = \"7m\"\nshort_window = \"5m\"\nthreshold = 2\nseverity = \"P1\"\n", "multiple of 5m"),
            ("[alerts.severity]\noutage = \"P9\"\n", "unknown severity"),
        ] {
            let e = Config::parse(bad, "c").expect_err(bad).to_string();
            assert!(e.contains(want), "{bad}: {e}");
        }
    }
}
