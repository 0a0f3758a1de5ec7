//! Numbering-plan validation of phone numbers: which national significant numbers each
//! country assigns and how the country groups their digits when it writes them, compiled from
//! libphonenumber's metadata (`phone_meta`, checked against the `phonenumber` crate) into plain
//! anchored regexes, so threads check candidates without the crate's shared regex cache.

use super::phone_meta::{self, Meta};
use regex::Regex;
use std::sync::OnceLock;

/// Regions whose national-format numbers (no `+`) are detected when `[pii] regions` is empty.
/// NANP numbers (US, CA, …) are matched by their own strict rules in every configuration.
pub(super) const DEFAULT_NATIONAL_REGIONS: &[&str] = &[
    "GB", "DE", "FR", "ES", "IT", "NL", "IN", "AU", "BR", "JP", "MX",
];

/// The numbering plans of the regions whose national-format phone numbers are detected: the
/// `[pii] regions` when given, else [`DEFAULT_NATIONAL_REGIONS`], without the NANP regions
/// (calling code 1, whose numbers have their own stricter rules). Resolved on first use, once
/// per set (thread-safe): reading the metadata and compiling the plans costs tens of
/// milliseconds, which a run that never meets a national-format candidate does not pay.
pub(super) struct NationalPlans {
    /// The regions asked for, as configured (empty: the defaults).
    regions: Vec<String>,
    plans: OnceLock<Vec<&'static RegionPlan>>,
}

impl NationalPlans {
    /// The plans of `regions` (empty: the defaults), not yet resolved.
    pub(super) fn new(regions: &[String]) -> NationalPlans {
        NationalPlans {
            regions: regions.to_vec(),
            plans: OnceLock::new(),
        }
    }

    /// The plans, in region order, without duplicates; resolved on the first call.
    pub(super) fn get(&self) -> &[&'static RegionPlan] {
        self.plans.get_or_init(|| resolve(&self.regions))
    }

    /// True once the plans were resolved.
    #[cfg(test)]
    pub(super) fn is_resolved(&self) -> bool {
        self.plans.get().is_some()
    }
}

/// One region's numbering plan.
pub(super) struct RegionPlan {
    /// ISO 3166 code, e.g. `GB`.
    pub(super) id: String,
    /// Country calling code, e.g. 44.
    pub(super) country_code: u16,
    /// The trunk prefix dialled before national numbers inside the country (`0`), if any.
    pub(super) national_prefix: Option<String>,
    /// The assigned ranges (fixed line, mobile, toll free, …): allowed lengths and pattern.
    ranges: Vec<(Vec<u16>, Regex)>,
    /// The country's written formats: the leading digits that select a format (anchored at
    /// the start; `None` when any number may use it) and the pattern whose capture groups are
    /// the digit groups (`(\d{2})(\d{4})(\d{4})` for `20 7946 0958`).
    formats: Vec<(Option<Regex>, Regex)>,
}

impl RegionPlan {
    /// Compiles the plan of one metadata entry; `None` when it assigns no ranges.
    fn compile(meta: &Meta) -> Option<RegionPlan> {
        // Emergency, short codes and carrier-specific numbers are not dialled from a
        // written full number; every other assigned range (`Meta::kinds`) is a real
        // subscriber number.
        let ranges: Vec<(Vec<u16>, Regex)> = meta
            .kinds
            .iter()
            .flatten()
            .filter_map(|desc| {
                let pattern = desc.pattern.as_str();
                if pattern.is_empty() || pattern == "NA" {
                    return None;
                }
                let re = digit_regex(pattern, true)?;
                let lengths = if desc.lengths.is_empty() {
                    meta.general.clone()
                } else {
                    desc.lengths.clone()
                };
                Some((lengths, re))
            })
            .collect();
        let formats = meta
            .formats
            .iter()
            .filter_map(|(leading, pattern)| {
                let pattern = digit_regex(pattern, true)?;
                // The last leading-digits pattern (the most specific one) selects the format.
                let leading = match leading {
                    Some(l) => Some(digit_regex(l, false)?),
                    None => None,
                };
                Some((leading, pattern))
            })
            .collect();
        (!ranges.is_empty()).then(|| RegionPlan {
            id: meta.id.clone(),
            country_code: meta.code,
            national_prefix: meta.national_prefix.clone(),
            ranges,
            formats,
        })
    }

    /// Looks a region up by its ISO code (any case); its plan is compiled once per process.
    pub(super) fn for_region(id: &str) -> Option<&'static RegionPlan> {
        let id = id.trim().to_ascii_uppercase();
        plan_of(region_table().iter().find(|(meta, _)| meta.id == id)?)
    }

    /// True when the national significant number `nsn` (digits only, no trunk prefix) is in
    /// an assigned range of this plan.
    pub(super) fn is_valid(&self, nsn: &str) -> bool {
        let len = nsn.len() as u16;
        self.ranges
            .iter()
            .any(|(lengths, re)| lengths.contains(&len) && re.is_match(nsn))
    }

    /// True when the national significant number `nsn`, with separators written after the
    /// digit counts `breaks` (ascending, each inside `nsn`), is grouped as the country writes
    /// it: exactly the digit groups of one of its formats for that number (Spain writes
    /// `612 34 56 78`, never `6123 45 678`), or its first group alone set apart from the rest
    /// (`347 1234567` for Italy's `347 123 4567`), the common way to write an area code and
    /// a subscriber number.
    pub(super) fn is_written_grouping(&self, nsn: &str, breaks: &[usize]) -> bool {
        if breaks.is_empty() {
            return false;
        }
        self.formats.iter().any(|(leading, pattern)| {
            if leading.as_ref().is_some_and(|l| !l.is_match(nsn)) {
                return false;
            }
            let Some(caps) = pattern.captures(nsn) else {
                return false;
            };
            let ends: Vec<usize> = caps
                .iter()
                .skip(1)
                .flatten()
                .map(|m| m.end())
                .filter(|&e| e < nsn.len())
                .collect();
            !ends.is_empty() && (ends == breaks || breaks == [ends[0]])
        })
    }
}

/// The plans of `regions` (empty: the defaults), in region order, without duplicates, without
/// the NANP regions.
fn resolve(regions: &[String]) -> Vec<&'static RegionPlan> {
    let wanted: Vec<&str> = if regions.is_empty() {
        DEFAULT_NATIONAL_REGIONS.to_vec()
    } else {
        regions.iter().map(|r| r.as_str()).collect()
    };
    let mut plans: Vec<&'static RegionPlan> = wanted
        .into_iter()
        .filter_map(RegionPlan::for_region)
        .filter(|p| p.country_code != 1)
        .collect();
    plans.sort_by(|a, b| a.id.cmp(&b.id));
    plans.dedup_by(|a, b| a.id == b.id);
    plans
}

/// Compiles the plans of `regions` (empty: the defaults) ahead of need: each region's plan
/// is compiled once per process, so a later [`NationalPlans::get`] finds them ready (or
/// waits for the one being compiled).
pub(super) fn warm(regions: &[String]) {
    resolve(regions);
}

/// A metadata pattern compiled over ASCII digits (`^…`, and `…$` when `whole`). The patterns
/// only ever see ASCII digit strings, so Unicode classes are left out (`\d` is `[0-9]`): that
/// halves the plans' compile time, paid by every run that meets a national-format candidate.
/// Whitespace in a pattern means nothing (the metadata spreads patterns over lines).
fn digit_regex(pattern: &str, whole: bool) -> Option<Regex> {
    let end = if whole { "$" } else { "" };
    Regex::new(&format!("^(?x-u:{pattern}){end}")).ok()
}

/// A region's metadata and its plan, compiled on first use.
type LazyPlan = (&'static Meta, OnceLock<Option<RegionPlan>>);

/// Every region of the metadata (non-geographic codes such as +800 share the id `001`).
/// Plans are compiled on first use: compiling all of them (about 2,000 regexes) would cost
/// every run a noticeable start-up delay.
fn region_table() -> &'static [LazyPlan] {
    static TABLE: OnceLock<Vec<LazyPlan>> = OnceLock::new();
    TABLE.get_or_init(|| {
        phone_meta::all()
            .iter()
            .map(|meta| (meta, OnceLock::new()))
            .collect()
    })
}

/// The compiled plan of a region of [`region_table`].
fn plan_of(lazy: &'static LazyPlan) -> Option<&'static RegionPlan> {
    lazy.1.get_or_init(|| RegionPlan::compile(lazy.0)).as_ref()
}

/// Largest country calling code.
const MAX_CODE: usize = 999;

/// The plans of the regions that use calling code `code` (empty for an unassigned code).
fn plans_for_code(code: u16) -> &'static [&'static RegionPlan] {
    static TABLE: OnceLock<Box<[OnceLock<Vec<&'static RegionPlan>>]>> = OnceLock::new();
    let table = TABLE.get_or_init(|| (0..=MAX_CODE).map(|_| OnceLock::new()).collect());
    let Some(slot) = table.get(usize::from(code)) else {
        return &[];
    };
    slot.get_or_init(|| {
        region_table()
            .iter()
            .filter(|(meta, _)| meta.code == code)
            .filter_map(plan_of)
            .collect()
    })
}

/// True when `digits` (country code then national number, digits only, as after a `+`) is a
/// valid number of some country's plan: the calling code is assigned and the rest is in one
/// of its regions' ranges.
pub(super) fn is_valid_international(digits: &str) -> bool {
    (1..=3.min(digits.len())).any(|n| {
        let Ok(code) = digits[..n].parse::<u16>() else {
            return false;
        };
        let nsn = &digits[n..];
        plans_for_code(code).iter().any(|p| p.is_valid(nsn))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn international_numbers_follow_the_plans() {
        let mut bad = Vec::new();
        for ok in [
            "442079460958",  // GB London
            "447912345678",  // GB mobile
            "4930123456",    // DE Berlin
            "33123456789",   // FR Paris
            "33612345678",   // FR mobile
            "919876543210",  // IN mobile
            "61212345678",   // AU Sydney
            "5511912345678", // BR São Paulo mobile
            "81312345678",   // JP Tokyo
            "525512345678",  // MX Mexico City
            "14155550132",   // US
            "393471234567",  // IT mobile
            "34612345678",   // ES mobile
            "31201234567",   // NL Amsterdam
        ] {
            if !is_valid_international(ok) {
                bad.push(ok);
            }
        }
        for no in [
            "440079460958",  // GB numbers never start with 0 after the code
            "4412345",       // too short
            "33012345678",   // FR 0 after the code
            "999123456789",  // unassigned code
            "1123456789",    // NANP area code 123
            "919876543",     // IN too short
            "3361234567890", // FR too long
            "20261123",      // a date
        ] {
            if is_valid_international(no) {
                bad.push(no);
            }
        }
        assert!(bad.is_empty(), "{bad:?}");
    }

    /// The national plans are resolved only when a candidate needs them: a text without a
    /// national-format candidate leaves them unresolved; the first one resolves them once.
    #[test]
    fn national_plans_are_resolved_on_first_need() {
        use crate::pii::{Detectors, PiiConfig, PHONE};
        let d = Detectors::new(&PiiConfig::default()).unwrap();
        let mut out = Vec::new();
        d.scan(
            "mail jane.doe@example.com, call +44 20 7946 0958 or (415) 555-0132; 42 users",
            &mut out,
        );
        assert!(!out.is_empty());
        assert!(!d.phone_plans.is_resolved());
        out.clear();
        let text = "Ruf mich an: 030 12345678";
        d.scan(text, &mut out);
        assert!(d.phone_plans.is_resolved());
        let phones: Vec<&str> = out
            .iter()
            .filter(|f| f.type_id == PHONE)
            .map(|f| &text[f.start..f.end])
            .collect();
        assert_eq!(phones, ["030 12345678"]);
        // Regions of calling code 1 only: no national plans at all, and nothing national.
        let us = Detectors::new(&PiiConfig {
            regions: vec!["US".into()],
            ..PiiConfig::default()
        })
        .unwrap();
        assert!(us.phone_plans.get().is_empty());
    }

    /// Every pattern of every region compiles over ASCII digits (a pattern that did not would
    /// silently drop a range or a format from its plan).
    #[test]
    fn every_metadata_pattern_compiles() {
        let mut bad = Vec::new();
        for meta in phone_meta::all() {
            let mut patterns: Vec<(&str, bool)> = meta
                .kinds
                .iter()
                .flatten()
                .map(|desc| desc.pattern.as_str())
                .filter(|p| !p.is_empty() && *p != "NA")
                .map(|p| (p, true))
                .collect();
            for (leading, pattern) in &meta.formats {
                patterns.push((pattern, true));
                patterns.extend(leading.as_deref().map(|l| (l, false)));
            }
            for (p, whole) in patterns {
                if digit_regex(p, whole).is_none() {
                    bad.push(format!("{}: {p}", meta.id));
                }
            }
        }
        assert!(bad.is_empty(), "{bad:?}");
    }

    #[test]
    fn regions_resolve_by_code_in_any_case() {
        let gb = RegionPlan::for_region("gb").unwrap();
        assert_eq!(gb.id, "GB");
        assert_eq!(gb.national_prefix.as_deref(), Some("0"));
        assert!(gb.is_valid("2079460958") && !gb.is_valid("0079460958"));
        assert!(RegionPlan::for_region("XX").is_none());
        for r in DEFAULT_NATIONAL_REGIONS {
            assert!(RegionPlan::for_region(r).is_some(), "{r}");
        }
    }
}
