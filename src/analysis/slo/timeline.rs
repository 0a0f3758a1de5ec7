//! The SLO fold's state: good/bad counters per scope in 5-minute slots (one page per day), so
//! every window, burn rate and bucket can be computed after the scan; plus hourly latencies
//! where a p95 alert needs them.

use super::config::Scope;
use super::{MAX_LATENCY_THRESHOLDS, SLOTS_PER_DAY, SLOT_SECS};
use crate::bucket::HOUR_SECS;
use crate::record::Record;
use std::collections::BTreeMap;

/// What the counters need from one record, worked out once per record for every scope.
#[derive(Debug, Clone, Copy)]
pub struct Observation {
    pub status: StatusClass,
    pub latency_ms: Option<f64>,
    /// Bit i is set when the latency is above latency threshold i.
    pub slower: u8,
    pub cost_usd: f64,
}

pub use crate::record::status::StatusClass;

impl Observation {
    /// Classifies `rec` against the latency `thresholds` (at most 8).
    pub fn of(rec: &Record<'_>, thresholds: &[f64]) -> Observation {
        let status = rec.status_class();
        let mut slower = 0u8;
        if let Some(l) = rec.latency_ms {
            for (i, &t) in thresholds.iter().enumerate() {
                if l > t {
                    slower |= 1 << i;
                }
            }
        }
        Observation {
            status,
            latency_ms: rec.latency_ms,
            slower,
            cost_usd: rec.cost_usd,
        }
    }
}

/// Counts of one 5-minute slot of one scope.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SlotCounts {
    pub requests: u32,
    pub success: u32,
    pub errors_5xx: u32,
    pub errors_429: u32,
    /// 4xx other than 429.
    pub errors_4xx: u32,
    pub with_latency: u32,
    /// Requests slower than latency threshold i.
    pub slower: [u32; MAX_LATENCY_THRESHOLDS],
    pub cost_usd: f64,
}

impl SlotCounts {
    fn add(&mut self, o: &Observation) {
        self.requests += 1;
        match o.status {
            StatusClass::Success => self.success += 1,
            StatusClass::ServerError => self.errors_5xx += 1,
            StatusClass::RateLimited => self.errors_429 += 1,
            StatusClass::ClientError => self.errors_4xx += 1,
            StatusClass::Unknown | StatusClass::Other => {}
        }
        if o.latency_ms.is_some() {
            self.with_latency += 1;
            let mut bits = o.slower;
            while bits != 0 {
                let i = bits.trailing_zeros() as usize;
                self.slower[i] += 1;
                bits &= bits - 1;
            }
        }
        self.cost_usd += o.cost_usd;
    }

    fn combine(&mut self, o: &SlotCounts) {
        self.requests += o.requests;
        self.success += o.success;
        self.errors_5xx += o.errors_5xx;
        self.errors_429 += o.errors_429;
        self.errors_4xx += o.errors_4xx;
        self.with_latency += o.with_latency;
        for (a, b) in self.slower.iter_mut().zip(o.slower) {
            *a += b;
        }
        self.cost_usd += o.cost_usd;
    }
}

/// One day of one scope: 288 slots, and the latencies of each hour when p95 alerts need them.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct DayPage {
    slots: Vec<SlotCounts>,
    #[serde(with = "crate::state::compact::f32_lists")]
    hours: Vec<Vec<f32>>,
}

impl DayPage {
    /// Counts `o` in slot `slot` (0..288) of the day; keeps its latency when `keep_latency`.
    pub fn add(&mut self, slot: usize, o: &Observation, keep_latency: bool) {
        if self.slots.is_empty() {
            self.slots = vec![SlotCounts::default(); SLOTS_PER_DAY];
        }
        self.slots[slot].add(o);
        if let (true, Some(l)) = (keep_latency, o.latency_ms) {
            if self.hours.is_empty() {
                self.hours = vec![Vec::new(); 24];
            }
            self.hours[slot / 12].push(l as f32);
        }
    }

    /// Folds in the same day of a later chunk.
    pub fn combine(&mut self, other: DayPage) {
        if self.slots.is_empty() {
            self.slots = other.slots;
        } else {
            for (a, b) in self.slots.iter_mut().zip(&other.slots) {
                a.combine(b);
            }
        }
        if self.hours.is_empty() {
            self.hours = other.hours;
        } else {
            for (a, b) in self.hours.iter_mut().zip(other.hours) {
                a.extend(b);
            }
        }
    }
}

/// Sums over a range of slots.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Totals {
    pub requests: u64,
    pub success: u64,
    pub errors_5xx: u64,
    pub errors_429: u64,
    pub errors_4xx: u64,
    pub with_latency: u64,
    pub slower: [u64; MAX_LATENCY_THRESHOLDS],
    pub cost_usd: f64,
}

impl Totals {
    pub fn add(&mut self, c: &SlotCounts) {
        self.requests += u64::from(c.requests);
        self.success += u64::from(c.success);
        self.errors_5xx += u64::from(c.errors_5xx);
        self.errors_429 += u64::from(c.errors_429);
        self.errors_4xx += u64::from(c.errors_4xx);
        self.with_latency += u64::from(c.with_latency);
        for (a, b) in self.slower.iter_mut().zip(c.slower) {
            *a += u64::from(b);
        }
        self.cost_usd += c.cost_usd;
    }

    /// Requests that were not a success.
    pub fn failed(&self) -> u64 {
        self.requests - self.success
    }

    /// Failures with no 2xx/4xx/5xx status.
    pub fn unknown(&self) -> u64 {
        self.failed() - self.errors_5xx - self.errors_429 - self.errors_4xx
    }
}

/// The sparse timeline of one scope value: the slots that saw traffic, in time order.
#[derive(Debug, Clone)]
pub struct Series {
    pub scope: Scope,
    /// The dimension value; `None` for the `all` scope.
    pub value: Option<String>,
    /// Global slot numbers (epoch seconds / 300), ascending.
    pub slots: Vec<i64>,
    pub counts: Vec<SlotCounts>,
    /// Latencies per hour (key: epoch seconds of the hour), where kept.
    pub hour_latencies: BTreeMap<i64, Vec<f32>>,
}

impl Series {
    /// Builds the series of one scope value from its day pages, in day order.
    pub fn from_pages(scope: Scope, value: Option<String>, pages: Vec<(i64, DayPage)>) -> Self {
        let mut s = Series {
            scope,
            value,
            slots: Vec::new(),
            counts: Vec::new(),
            hour_latencies: BTreeMap::new(),
        };
        for (day_start, page) in pages {
            let first_slot = day_start.div_euclid(SLOT_SECS);
            for (i, c) in page.slots.into_iter().enumerate() {
                if c.requests > 0 {
                    s.slots.push(first_slot + i as i64);
                    s.counts.push(c);
                }
            }
            for (h, lat) in page.hours.into_iter().enumerate() {
                if !lat.is_empty() {
                    s.hour_latencies
                        .insert(day_start + h as i64 * HOUR_SECS, lat);
                }
            }
        }
        s
    }

    /// The `scope` column: `all`, or `dimension=value`.
    pub fn label(&self) -> String {
        match &self.value {
            None => self.scope.name().to_string(),
            Some(v) => format!("{}={v}", self.scope.name()),
        }
    }

    /// Index range of the slots in `[from_slot, to_slot)`.
    pub fn range(&self, from_slot: i64, to_slot: i64) -> std::ops::Range<usize> {
        let lo = self.slots.partition_point(|&s| s < from_slot);
        let hi = self.slots.partition_point(|&s| s < to_slot);
        lo..hi.max(lo)
    }

    /// Totals over the slots in `[from_slot, to_slot)`.
    pub fn sum(&self, from_slot: i64, to_slot: i64) -> Totals {
        let mut t = Totals::default();
        for c in &self.counts[self.range(from_slot, to_slot)] {
            t.add(c);
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::time::DAY_SECS;

    fn obs(status: u16, latency: f64) -> Observation {
        let rec = Record {
            status: Some(status),
            latency_ms: Some(latency),
            cost_usd: 0.5,
            ..Record::default()
        };
        Observation::of(&rec, &[100.0, 1000.0])
    }

    #[test]
    fn slots_count_classes_and_thresholds() {
        let mut page = DayPage::default();
        page.add(3, &obs(200, 50.0), true);
        page.add(3, &obs(503, 5000.0), true);
        page.add(3, &obs(429, 500.0), false);
        let mut later = DayPage::default();
        later.add(3, &obs(404, 150.0), true);
        later.add(287, &obs(200, 10.0), true);
        page.combine(later);
        let s = Series::from_pages(Scope::All, None, vec![(DAY_SECS, page)]);
        assert_eq!(s.slots, vec![288 + 3, 288 + 287]);
        let t = s.sum(0, i64::MAX);
        assert_eq!(
            (
                t.requests,
                t.success,
                t.errors_5xx,
                t.errors_429,
                t.errors_4xx
            ),
            (5, 2, 1, 1, 1)
        );
        assert_eq!(t.slower[0], 3, "5000, 500 and 150 are above 100");
        assert_eq!(t.slower[1], 1);
        assert_eq!(t.cost_usd, 2.5);
        assert_eq!(s.sum(288 + 4, i64::MAX).requests, 1);
        // The 429 was not kept (keep_latency false); hours 0 and 23 hold the rest.
        assert_eq!(s.hour_latencies[&DAY_SECS].len(), 3);
        assert_eq!(s.hour_latencies[&(DAY_SECS + 23 * HOUR_SECS)], vec![10.0]);
    }
}
