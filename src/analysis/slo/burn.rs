//! Multiwindow burn-rate alerts (Google SRE workbook, "Alerting on SLOs"), evaluated over the
//! log's own timeline: at every 5-minute slot with traffic, an alert fires while both its
//! long and its short window burn the error budget at `threshold` times the sustainable rate.

use super::alerts::{failure_note, failure_owner, hour_bucket, Alert, Source};
use super::config::{BurnRateAlert, Objective, ObjectiveKind};
use super::stats::binomial_sf;
use super::timeline::{Series, SlotCounts, Totals};
use super::{SLOT_MINUTES, SLOT_SECS};
use crate::config::Owners;

/// How unlikely a short window's bad events must be for a service just meeting its objective
/// (one-sided binomial p below this) to count as "still happening": the conventional 5 %,
/// looser than `[alerts] significance`, which the long window has already met.
pub const SHORT_WINDOW_SIGNIFICANCE: f64 = 0.05;

/// Which events an objective counts in a slot.
#[derive(Debug, Clone, Copy)]
enum Counted {
    /// All requests; bad = not 2xx.
    Requests,
    /// Requests with a latency; bad = slower than latency threshold i.
    SlowerThan(usize),
}

impl Counted {
    fn of(objective: &Objective, thresholds: &[f64]) -> Option<Counted> {
        match objective.kind {
            ObjectiveKind::SuccessRate { .. } => Some(Counted::Requests),
            ObjectiveKind::Latency { threshold_ms, .. } => thresholds
                .iter()
                .position(|&t| t == threshold_ms)
                .map(Counted::SlowerThan),
            ObjectiveKind::Cost { .. } => None,
        }
    }

    /// (events, bad events) of a slot.
    fn count(self, c: &SlotCounts) -> (u64, u64) {
        match self {
            Counted::Requests => (u64::from(c.requests), u64::from(c.requests - c.success)),
            Counted::SlowerThan(i) => (u64::from(c.with_latency), u64::from(c.slower[i])),
        }
    }
}

/// Cumulative event counts over a series' slots, for O(1) window sums.
struct Events {
    /// `n[i]`, `bad[i]`: events and bad events in slots `..i`.
    n: Vec<u64>,
    bad: Vec<u64>,
}

impl Events {
    fn of(s: &Series, counted: Counted) -> Events {
        let mut e = Events {
            n: Vec::with_capacity(s.counts.len() + 1),
            bad: Vec::with_capacity(s.counts.len() + 1),
        };
        let (mut n, mut bad) = (0u64, 0u64);
        e.n.push(0);
        e.bad.push(0);
        for c in &s.counts {
            let (dn, dbad) = counted.count(c);
            n += dn;
            bad += dbad;
            e.n.push(n);
            e.bad.push(bad);
        }
        e
    }

    /// Events and bad events in slot indices `lo..hi`.
    fn window(&self, lo: usize, hi: usize) -> (u64, u64) {
        (self.n[hi] - self.n[lo], self.bad[hi] - self.bad[lo])
    }
}

/// One stretch of time during which a condition kept firing.
#[derive(Debug, Clone, Copy)]
struct Episode {
    first: i64,
    last: i64,
    peak_long: f64,
    peak_short: f64,
}

/// Where and how burn-rate conditions are evaluated.
#[derive(Debug, Clone, Copy)]
pub struct BurnContext<'a> {
    /// The first slot of the whole log: a condition is evaluated only where the log covers
    /// its entire long window, so the first hours of a log cannot fire on a sliver of data.
    pub data_first_slot: i64,
    pub thresholds: &'a [f64],
    /// The long window needs at least this many events.
    pub min_requests: u64,
    /// The long window's bad events must be unlikely (one-sided binomial p below this) for a
    /// service that just meets its objective, so a handful of failures in a quiet hour does
    /// not page, and the short window's below [`SHORT_WINDOW_SIGNIFICANCE`] (or this, if
    /// larger); at high traffic this always holds and the rule is the workbook's.
    pub significance: f64,
    pub owners: &'a Owners,
}

/// Burn-rate alerts of `objective` on series `s`, for each condition in `conditions`. A
/// condition that stops firing and fires again within one short window is one alert.
pub fn burn_alerts(
    objective: &Objective,
    s: &Series,
    conditions: &[BurnRateAlert],
    ctx: &BurnContext<'_>,
) -> Vec<Alert> {
    let (thresholds, min_requests, owners) = (ctx.thresholds, ctx.min_requests, ctx.owners);
    let (Some(allowed), Some(counted)) =
        (objective.allowed_bad(), Counted::of(objective, thresholds))
    else {
        return Vec::new();
    };
    let events = Events::of(s, counted);
    // A burn rate means something once the long window holds at least one allowed bad
    // event: at 99 %, 100 requests. Fewer, and two failures in a quiet hour would page.
    let min_events = min_requests.max((1.0 / allowed).ceil() as u64).max(1);
    let short_significance = ctx.significance.max(SHORT_WINDOW_SIGNIFICANCE);
    let mut out = Vec::new();
    for cond in conditions {
        let long = i64::from(cond.long_window.minutes / SLOT_MINUTES);
        let short = i64::from(cond.short_window.minutes / SLOT_MINUTES);
        let (mut lo_long, mut lo_short) = (0, 0);
        let mut open: Option<Episode> = None;
        for (i, &slot) in s.slots.iter().enumerate() {
            if slot - long + 1 < ctx.data_first_slot {
                continue;
            }
            while s.slots[lo_long] <= slot - long {
                lo_long += 1;
            }
            while s.slots[lo_short] <= slot - short {
                lo_short += 1;
            }
            let (n_long, bad_long) = events.window(lo_long, i + 1);
            let (n_short, bad_short) = events.window(lo_short, i + 1);
            if n_long < min_events || n_short == 0 {
                continue;
            }
            let burn_long = bad_long as f64 / n_long as f64 / allowed;
            let burn_short = bad_short as f64 / n_short as f64 / allowed;
            // The long window carries the evidence; the short one must only confirm that it
            // is still happening, beyond chance at the conventional 5 %. After an incident
            // the long window stays hot for days, and a short window touching 1x by chance
            // would otherwise re-open the same ticket every few hours.
            if burn_long < cond.threshold
                || burn_short < cond.threshold
                || binomial_sf(bad_long, n_long, allowed) >= ctx.significance
                || binomial_sf(bad_short, n_short, allowed) >= short_significance
            {
                continue;
            }
            open = match open {
                Some(mut ep) if slot - ep.last <= short => {
                    ep.last = slot;
                    ep.peak_long = ep.peak_long.max(burn_long);
                    ep.peak_short = ep.peak_short.max(burn_short);
                    Some(ep)
                }
                prev => {
                    if let Some(ep) = prev {
                        out.push(episode_alert(objective, s, cond, ep, long, counted, owners));
                    }
                    Some(Episode {
                        first: slot,
                        last: slot,
                        peak_long: burn_long,
                        peak_short: burn_short,
                    })
                }
            };
        }
        if let Some(ep) = open {
            out.push(episode_alert(objective, s, cond, ep, long, counted, owners));
        }
    }
    out
}

fn episode_alert(
    objective: &Objective,
    s: &Series,
    cond: &BurnRateAlert,
    ep: Episode,
    long: i64,
    counted: Counted,
    owners: &Owners,
) -> Alert {
    // What the long window saw from the first firing to the last: the failures to route.
    let range = s.range(ep.first - long + 1, ep.last + 1);
    let mut totals = Totals::default();
    let (mut events, mut bad) = (0, 0);
    for c in &s.counts[range] {
        totals.add(c);
        let (n, b) = counted.count(c);
        events += n;
        bad += b;
    }
    let (owner, what) = match (counted, objective.kind) {
        (Counted::SlowerThan(_), ObjectiveKind::Latency { threshold_ms, .. }) => (
            owners.infra.clone(),
            format!("{bad} of {events} requests slower than {threshold_ms} ms"),
        ),
        _ => (
            failure_owner(&totals, owners).to_string(),
            failure_note(&totals),
        ),
    };
    let from = ep.first * SLOT_SECS;
    Alert {
        source: Source::Slo,
        bucket: hour_bucket(from),
        alert: "burn_rate",
        severity: cond.severity,
        scope: s.label(),
        metric: "burn_rate",
        value: round2(ep.peak_long),
        threshold: cond.threshold,
        owner,
        window: format!("{}/{}", cond.long_window, cond.short_window),
        slo: objective.name.clone(),
        from,
        until: (ep.last + 1) * SLOT_SECS,
        requests: events,
        bad: Some(bad),
        p_value: None,
        note: format!(
            "error budget of {} burned at up to {:.1}x over {} and {:.1}x over {}; {what}",
            objective.name, ep.peak_long, cond.long_window, ep.peak_short, cond.short_window
        ),
    }
}

fn round2(x: f64) -> f64 {
    crate::output::round_to(x, 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::slo::config::{workbook_burn_rates, Scope, Severity, TimeWindow};

    fn availability(target: f64) -> Objective {
        Objective {
            name: "availability".into(),
            display_name: "availability".into(),
            kind: ObjectiveKind::SuccessRate { target },
            window: TimeWindow::Rolling { days: 30 },
            scopes: vec![Scope::All],
        }
    }

    /// A series with `per_slot` requests in every slot of `0..slots`, and `bad(slot)` of
    /// them failing with a 5xx.
    fn series(slots: i64, per_slot: u32, bad: impl Fn(i64) -> u32) -> Series {
        let slot_list: Vec<i64> = (0..slots).collect();
        let counts = slot_list
            .iter()
            .map(|&s| SlotCounts {
                requests: per_slot,
                success: per_slot - bad(s),
                errors_5xx: bad(s),
                ..SlotCounts::default()
            })
            .collect();
        Series {
            scope: Scope::All,
            value: None,
            slots: slot_list,
            counts,
            hour_latencies: Default::default(),
        }
    }

    fn ctx(min_requests: u64) -> BurnContext<'static> {
        static OWNERS: std::sync::OnceLock<Owners> = std::sync::OnceLock::new();
        BurnContext {
            data_first_slot: 0,
            thresholds: &[],
            min_requests,
            significance: 0.001,
            owners: OWNERS.get_or_init(Owners::default),
        }
    }

    fn fired(alerts: &[Alert]) -> Vec<(String, Severity, i64, i64)> {
        alerts
            .iter()
            .map(|a| (a.window.clone(), a.severity, a.from / 300, a.until / 300))
            .collect()
    }

    #[test]
    fn a_one_hour_spike_pages_only_on_the_fast_window() {
        // Three days at 0.5 % bad (burn 0.5 against 99 %), then one hour at 20 % (burn 20).
        let spike = 600..612;
        let s = series(3 * 288, 1000, |i| if spike.contains(&i) { 200 } else { 5 });
        let a = burn_alerts(&availability(0.99), &s, &workbook_burn_rates(), &ctx(20));
        // The 1h window crosses 14.4 once 9 of its 12 slots are in the spike
        // ((9·20 + 3·0.5)/12 = 15.1); the 5m window drops with the first healthy slot.
        assert_eq!(
            fired(&a),
            vec![("1h/5m".to_string(), Severity::P1, 608, 612)]
        );
        assert_eq!(a[0].value, 20.0);
        assert_eq!(a[0].bucket, "1970-01-03T02:00Z");
        assert_eq!(a[0].owner, "Platform");
        assert_eq!(a[0].slo, "availability");
        // The 6h window peaks at (12·20 + 60·0.5)/72 = 3.75 < 6; 1d and 3d stay lower.
    }

    #[test]
    fn a_slow_leak_opens_tickets_not_pages() {
        // Four days at 0.5 % bad, then two days at 4 % (burn 4 against 99 %).
        let s = series(6 * 288, 1000, |i| if i >= 4 * 288 { 40 } else { 5 });
        let a = burn_alerts(&availability(0.99), &s, &workbook_burn_rates(), &ctx(20));
        let windows: Vec<&str> = a.iter().map(|a| a.window.as_str()).collect();
        assert_eq!(windows, ["1d/2h", "3d/6h"]);
        assert!(a.iter().all(|a| a.severity == Severity::P2));
        // 1d window: 0.5·(288-k)/288 + 4·k/288 ≥ 3 once k ≥ 206 slots of the leak.
        assert_eq!(a[0].from / 300, 4 * 288 + 205);
        assert_eq!(a[0].until / 300, 6 * 288);
        // 3d window: (0.5·(864-k) + 4k)/864 ≥ 1 once k ≥ 124, but 8,640 bad of 864,000 is
        // what a service just meeting 99 % produces; the failures are clearly more (one-sided
        // binomial p < 0.001, about 8,926) once 4,320 + 35k ≥ 8,926: k ≥ 132.
        assert_eq!(a[1].from / 300, 4 * 288 + 131);
    }

    #[test]
    fn too_little_traffic_in_the_long_window_never_fires() {
        // Target 95 %: the long window needs 20 requests (one allowed failure) and at least
        // min_requests. One request per slot, all failing: 12 an hour, never enough.
        let s = series(24, 1, |_| 1);
        let conditions = &workbook_burn_rates()[..1];
        assert!(burn_alerts(&availability(0.95), &s, conditions, &ctx(5)).is_empty());
        // Two per slot: 24 an hour is enough, unless min_requests asks for more.
        let s = series(24, 2, |_| 2);
        let a = burn_alerts(&availability(0.95), &s, conditions, &ctx(20));
        // Evaluated only once the log covers a whole hour: from slot 11 on.
        assert_eq!(fired(&a), vec![("1h/5m".to_string(), Severity::P1, 11, 24)]);
        assert!(burn_alerts(&availability(0.95), &s, conditions, &ctx(30)).is_empty());
    }

    #[test]
    fn a_past_spike_does_not_reopen_the_ticket_on_chance() {
        // Six days of 10 requests a slot with 1 % bad (one failure every tenth slot: burn 1
        // against 99 %), and one hour at 40 % on day 3. The 3d window stays above 1x for three
        // days after the spike, and the 6h window touches 1.1x by chance (8 failures in 720
        // requests where 7.2 are allowed, p ≈ 0.45 > 0.05): that is not "still happening".
        let spike = 864..876;
        let bad = |i: i64| {
            if spike.contains(&i) {
                4
            } else {
                u32::from(i % 10 == 0)
            }
        };
        let s = series(6 * 288, 10, bad);
        let conditions = &workbook_burn_rates()[3..];
        let a = burn_alerts(&availability(0.99), &s, conditions, &ctx(20));
        assert_eq!(a.len(), 1, "{:?}", fired(&a));
        // One ticket for the spike, closed once it has left the 6h window.
        assert!(
            a[0].from / 300 >= 864 && a[0].until / 300 <= 876 + 72,
            "{:?}",
            fired(&a)
        );
        // Without the evidence rule (significance 1) the ticket stays open for days.
        let loose = BurnContext {
            significance: 1.0,
            ..ctx(20)
        };
        let a = burn_alerts(&availability(0.99), &s, conditions, &loose);
        assert!(
            a.iter().any(|a| a.until / 300 > 876 + 2 * 72),
            "{:?}",
            fired(&a)
        );
    }

    #[test]
    fn a_slight_burn_needs_evidence() {
        // Three days at 0.625 % bad against 99.5 % (burn 1.25) on the 3d/6h ticket. With 4
        // requests a slot (3,456 in the window, ~22 failures where 17 are allowed) chance
        // explains it (p ≈ 0.15): no ticket. With 160 a slot it cannot (p < 1e-6).
        let conditions = &workbook_burn_rates()[3..];
        let s = series(3 * 288, 4, |i| u32::from(i % 40 == 0));
        assert!(burn_alerts(&availability(0.995), &s, conditions, &ctx(20)).is_empty());
        let s = series(3 * 288, 160, |_| 1);
        let a = burn_alerts(&availability(0.995), &s, conditions, &ctx(20));
        assert_eq!(
            fired(&a),
            vec![("3d/6h".to_string(), Severity::P2, 863, 864)]
        );
    }
}
