//! `[slo]` in `logwarden.toml` (objectives named after OpenSLO's fields) and the SLO parts of
//! `[alerts]` (scopes, significance, severities, burn-rate windows), parsed and checked.

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

/// Alert severity, P0 (most urgent) to P3. Orders with the most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(try_from = "String")]
pub enum Severity {
    P0,
    P1,
    P2,
    P3,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_uppercase().as_str() {
            "P0" => Some(Severity::P0),
            "P1" => Some(Severity::P1),
            "P2" => Some(Severity::P2),
            "P3" => Some(Severity::P3),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Severity::P0 => "P0",
            Severity::P1 => "P1",
            Severity::P2 => "P2",
            Severity::P3 => "P3",
        }
    }

    /// True when `self` is as urgent as `min` or more.
    pub fn at_least(self, min: Severity) -> bool {
        self <= min
    }
}

impl TryFrom<String> for Severity {
    type Error = String;
    fn try_from(s: String) -> Result<Severity, String> {
        Severity::parse(&s).ok_or_else(|| format!("unknown severity `{s}` (P0, P1, P2, P3)"))
    }
}

/// `[alerts.severity]`: the severity of each kind of threshold alert.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlertSeverities {
    /// No successful request in an hour with at least `min_requests` requests.
    pub outage: Severity,
    /// Success rate below `success_rate_below` in an hour or a day.
    pub success_rate: Severity,
    /// p95 above `p95_ms_above` in an hour or a day.
    pub p95: Severity,
    /// A day's spend above `daily_cost_usd`.
    pub daily_cost: Severity,
}

impl Default for AlertSeverities {
    fn default() -> Self {
        AlertSeverities {
            outage: Severity::P0,
            success_rate: Severity::P2,
            p95: Severity::P3,
            daily_cost: Severity::P3,
        }
    }
}

/// A length of time in whole minutes, written `5m`, `1h`, `3d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct Span {
    pub minutes: u32,
}

impl TryFrom<String> for Span {
    type Error = String;
    fn try_from(s: String) -> Result<Span, String> {
        let bad = || format!("bad duration `{s}` (a whole number of m, h or d, e.g. 5m, 1h, 3d)");
        let (num, unit) = s.split_at(s.len().saturating_sub(1));
        let n: u32 = num.parse().map_err(|_| bad())?;
        let per = match unit {
            "m" => 1,
            "h" => 60,
            "d" => 1440,
            _ => return Err(bad()),
        };
        let minutes = n.checked_mul(per).filter(|&m| m > 0).ok_or_else(bad)?;
        if minutes % super::SLOT_MINUTES != 0 || minutes > 366 * 1440 {
            return Err(format!(
                "duration `{s}` must be a multiple of {}m, at most a year",
                super::SLOT_MINUTES
            ));
        }
        Ok(Span { minutes })
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.minutes;
        if m % 1440 == 0 {
            write!(f, "{}d", m / 1440)
        } else if m % 60 == 0 {
            write!(f, "{}h", m / 60)
        } else {
            write!(f, "{m}m")
        }
    }
}

/// `[[alerts.burn_rate]]`: one multiwindow burn-rate condition. It fires while the error
/// budget burns at `threshold` times the sustainable rate or faster over both windows.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BurnRateAlert {
    /// The long window (OpenSLO `lookbackWindow`): is the burn significant?
    #[serde(alias = "lookback_window")]
    pub long_window: Span,
    /// The short window: is it still happening?
    pub short_window: Span,
    /// Burn-rate factor; 1 spends exactly the budget over the SLO window.
    pub threshold: f64,
    pub severity: Severity,
}

/// The four conditions of the Google SRE workbook (chapter 5, "Alerting on SLOs"): two that
/// page (2 % of a 30-day budget in 1 h, 5 % in 6 h) and two that open a ticket (10 % in 1 day,
/// 10 % in 3 days).
pub fn workbook_burn_rates() -> Vec<BurnRateAlert> {
    let span = |minutes| Span { minutes };
    vec![
        BurnRateAlert {
            long_window: span(60),
            short_window: span(5),
            threshold: 14.4,
            severity: Severity::P1,
        },
        BurnRateAlert {
            long_window: span(360),
            short_window: span(30),
            threshold: 6.0,
            severity: Severity::P1,
        },
        BurnRateAlert {
            long_window: span(1440),
            short_window: span(120),
            threshold: 3.0,
            severity: Severity::P2,
        },
        BurnRateAlert {
            long_window: span(3 * 1440),
            short_window: span(360),
            threshold: 1.0,
            severity: Severity::P2,
        },
    ]
}

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

/// A value the config cannot hold: the key to point at and the message.
pub type Invalid = (String, String);

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
                kind: ObjectiveKind::SuccessRate { target: 0.995 },
                window: self.time_window,
                scopes: self.scopes.clone(),
            },
            Objective {
                name: "latency".into(),
                display_name: "Requests answered within 3000 ms (p95 <= 3000 ms)".into(),
                kind: ObjectiveKind::Latency {
                    threshold_ms: 3000.0,
                    target: 0.95,
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
        // Point at the objective's `name = "…"` line.
        let key = format!("name = \"{}\"", o.name);
        let invalid = |m: String| (key.clone(), format!("[slo] objective `{}`: {m}", o.name));
        if o.name.trim().is_empty() {
            return Err(("name".into(), "[slo] objective with an empty name".into()));
        }
        if let Some(op) = &o.op {
            if op != "lte" {
                return Err(invalid(format!(
                    "op `{op}` is not supported (only lte: good when at or below value)"
                )));
            }
        }
        if let Some(m) = &o.budgeting_method {
            if !m.eq_ignore_ascii_case("occurrences") {
                return Err(invalid(format!(
                    "budgeting_method `{m}` is not supported (only occurrences)"
                )));
            }
        }
        let target = |o: &ObjectiveConfig| match o.target {
            Some(t) if t > 0.0 && t < 1.0 => Ok(t),
            Some(t) => Err(invalid(format!(
                "target {t} must be a fraction strictly between 0 and 1 (e.g. 0.995)"
            ))),
            None => Err(invalid("needs a target (e.g. 0.995)".into())),
        };
        let positive = |v: Option<f64>, what: &str| match v {
            Some(v) if v > 0.0 && v.is_finite() => Ok(v),
            Some(v) => Err(invalid(format!(
                "value {v} must be a positive number ({what})"
            ))),
            None => Err(invalid(format!("needs a value ({what})"))),
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
            return Err(invalid("scopes must name at least one scope".into()));
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
        for o in &self.objectives {
            self.resolve(o, alerts)?;
            if names.contains(&o.name) {
                return Err((
                    o.name.clone(),
                    format!("[slo] two objectives are named `{}`", o.name),
                ));
            }
            names.push(o.name.clone());
        }
        let c = &self.compare;
        if !(c.alpha > 0.0 && c.alpha < 1.0) {
            return Err((
                "alpha".into(),
                "[slo.compare] alpha must be in (0, 1)".into(),
            ));
        }
        if !(c.min_rate_change >= 0.0 && c.min_latency_change >= 0.0) {
            return Err((
                "min_".into(),
                "[slo.compare] minimum changes must be non-negative".into(),
            ));
        }
        check_alerts(alerts)?;
        let thresholds = latency_thresholds(&self.objectives(alerts), alerts);
        if thresholds.len() > super::MAX_LATENCY_THRESHOLDS {
            return Err((
                "value".into(),
                format!(
                    "[slo] at most {} distinct latency thresholds (objectives and p95_ms_above)",
                    super::MAX_LATENCY_THRESHOLDS
                ),
            ));
        }
        Ok(())
    }
}

fn check_alerts(a: &Alerts) -> Result<(), Invalid> {
    let err = |k: &str, m: &str| Err((k.to_string(), format!("[alerts] {m}")));
    if !(a.success_rate_below > 0.0 && a.success_rate_below <= 1.0) {
        return err("success_rate_below", "success_rate_below must be in (0, 1]");
    }
    if !(a.p95_ms_above > 0.0 && a.p95_ms_above.is_finite()) {
        return err("p95_ms_above", "p95_ms_above must be a positive number");
    }
    if !(a.significance > 0.0 && a.significance <= 1.0) {
        return err(
            "significance",
            "significance must be in (0, 1] (1 alerts on every breach)",
        );
    }
    for (key, v) in [
        ("daily_cost_usd", a.daily_cost_usd),
        ("monthly_budget_usd", a.monthly_budget_usd),
    ] {
        if v.is_some_and(|v| !(v > 0.0 && v.is_finite())) {
            return err(key, &format!("{key} must be a positive number"));
        }
    }
    if a.scopes.is_empty() {
        return err(
            "scopes",
            "scopes must name at least one scope (e.g. [\"all\"])",
        );
    }
    for b in &a.burn_rate {
        if b.short_window >= b.long_window {
            return err(
                "short_window",
                &format!(
                    "burn_rate short_window {} must be shorter than long_window {}",
                    b.short_window, b.long_window
                ),
            );
        }
        if !(b.threshold > 0.0 && b.threshold.is_finite()) {
            return err("threshold", "burn_rate threshold must be a positive number");
        }
    }
    Ok(())
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
        assert_eq!(objs[0].kind, ObjectiveKind::SuccessRate { target: 0.995 });
        assert_eq!(
            objs[1].kind,
            ObjectiveKind::Latency {
                threshold_ms: 3000.0,
                target: 0.95
            }
        );
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
            ("[[slo.objectives]]\nname = \"a\"\nindicator = \"success_rate\"\ntarget = 1.5\n", "c:2: [slo] objective `a`: target 1.5"),
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

    #[test]
    fn severity_order_and_spans() {
        assert!(Severity::P0.at_least(Severity::P2));
        assert!(Severity::P2.at_least(Severity::P2));
        assert!(!Severity::P3.at_least(Severity::P2));
        assert_eq!(Severity::parse("p1"), Some(Severity::P1));
        let s = Span::try_from("3d".to_string()).unwrap();
        assert_eq!((s.minutes, s.to_string()), (4320, "3d".to_string()));
        assert_eq!(
            Span::try_from("30m".to_string()).unwrap().to_string(),
            "30m"
        );
        assert!(Span::try_from("h".to_string()).is_err());
    }
}
