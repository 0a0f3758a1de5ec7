//! The SLO parts of `[alerts]` in `logwarden.toml`: severities, time spans and the multiwindow
//! burn-rate conditions (default: the Google SRE workbook's four), with their checks.

use crate::config::Alerts;
use crate::config::{Invalid, Validate};
use serde::Deserialize;
use std::fmt;

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
        if !minutes.is_multiple_of(super::SLOT_MINUTES) || minutes > 366 * 1440 {
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
        if m.is_multiple_of(1440) {
            write!(f, "{}d", m / 1440)
        } else if m.is_multiple_of(60) {
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

impl Validate for Alerts {
    /// Checks the `[alerts]` values serde cannot.
    fn validate(&self) -> Result<(), Invalid> {
        let a = self;
        let err = |k: &str, m: &str| Err(Invalid::at(k, format!("[alerts] {m}")));
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
        for (i, b) in a.burn_rate.iter().enumerate() {
            let in_entry =
                |e: Result<(), Invalid>| e.map_err(|e| e.in_index(i).in_key("burn_rate"));
            if b.short_window >= b.long_window {
                return in_entry(err(
                    "short_window",
                    &format!(
                        "burn_rate short_window {} must be shorter than long_window {}",
                        b.short_window, b.long_window
                    ),
                ));
            }
            if !(b.threshold > 0.0 && b.threshold.is_finite()) {
                return in_entry(err(
                    "threshold",
                    "burn_rate threshold must be a positive number",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
