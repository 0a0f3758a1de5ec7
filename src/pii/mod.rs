//! PII and secret detection for log text: detectors, allowlists, masking, keyed fingerprints
//! and redaction. [`Detectors`] is built once from [`PiiConfig`] and shared by all threads.

mod address;
mod allow;
mod assign;
mod baseline;
mod card;
pub(crate) mod checksum;
mod config;
mod custom;
mod digits;
mod email;
mod encoded;
mod fingerprint;
mod iban;
mod ip;
mod jwt;
mod mask;
mod names;
mod national;
pub(crate) mod national_check;
mod pem;
mod phone;
mod phone_meta;
mod phone_plan;
mod placeholder;
mod providers;
mod redact;
mod scrub;
mod secrets;
mod ssn;
mod text;
pub mod types;
mod urls;

#[cfg(test)]
impl Detectors {
    /// The (type name, matched text) of every finding in `text`: the one helper the detector
    /// tests compare against.
    pub(crate) fn found(&self, text: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        self.scan(text, &mut out);
        out.iter()
            .map(|f| {
                (
                    self.type_name(f.type_id).to_string(),
                    text[f.start..f.end].to_string(),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod corpus_tests;

pub use baseline::{parse_fingerprint, Baseline, BaselineError};
pub use config::{scrub_secrets, CustomType, PiiConfig, PiiConfigError};
pub use custom::{OVERLAP as CUSTOM_OVERLAP, WINDOW as CUSTOM_WINDOW};
pub use fingerprint::{key_id, Fingerprinter};
pub use redact::{redact_text, RedactMode};
pub use scrub::{
    configure_keys, fingerprint_key, key_source, number_holds_pii, scrub_key, DEFAULT_KEY,
};
pub use types::{Class, DataClass, TypeInfo, BUILTIN, BUILTIN_COUNT};

/// Index of a PII type: the built-in types first, in the order of [`types::BUILTIN`], then the
/// custom types of the config.
pub type TypeId = u16;

pub(crate) const EMAIL: TypeId = types::id("EMAIL_ADDRESS");
pub(crate) const PHONE: TypeId = types::id("PHONE_NUMBER");
pub(crate) const CARD: TypeId = types::id("CREDIT_CARD");
pub(crate) const SSN: TypeId = types::id("US_SSN");
pub(crate) const IBAN: TypeId = types::id("IBAN_CODE");
pub(crate) const IP: TypeId = types::id("IP_ADDRESS");
pub(crate) const PERSON: TypeId = types::id("PERSON");
pub(crate) const ADDRESS: TypeId = types::id("ADDRESS");
pub(crate) const AWS: TypeId = types::id("AWS_ACCESS_KEY");
#[cfg(test)]
pub(crate) const PRIVATE_KEY: TypeId = types::id("PRIVATE_KEY");
#[cfg(test)]
pub(crate) const JWT: TypeId = types::id("JWT");

/// Texts shorter than this cannot hold any built-in finding (the shortest is `a@b.co`).
const MIN_SCAN_LEN: usize = 6;

/// One detected value: a byte range of the scanned text and the type it was classified as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finding {
    /// Byte offset of the first byte of the value (on a char boundary).
    pub start: usize,
    /// Byte offset one past the last byte of the value (on a char boundary).
    pub end: usize,
    /// The type of the value; see [`Detectors::type_name`].
    pub type_id: TypeId,
    /// Short stable name of the detection method, e.g. `"luhn+iin"` or `"jwt-header"`.
    pub detector: &'static str,
    /// How the value is written in the text; see [`Detectors::value`].
    pub encoding: Encoding,
}

/// How a finding's value is written in the scanned text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// As is: the span is the value.
    #[default]
    Plain,
    /// Inside a base64 run: the span covers the base64 groups that hold the value; their
    /// decoded bytes start with `skip` bytes before the value, which is `len` bytes long.
    Base64 {
        /// Decoded bytes before the value.
        skip: u8,
        /// Length of the value in bytes.
        len: u16,
    },
    /// Percent-encoded (`jane.doe%40corp.io`): the span, decoded, is the value.
    Percent,
}

impl Encoding {
    /// The suffix marking a field path whose value was found decoded (`prompt<base64>`).
    pub fn path_suffix(self) -> &'static str {
        match self {
            Encoding::Plain => "",
            Encoding::Base64 { .. } => "<base64>",
            Encoding::Percent => "<percent>",
        }
    }
}

/// Which built-in types are switched on; detectors consult it before doing any work.
#[derive(Debug, Clone)]
pub(crate) struct Enabled(Vec<bool>);

impl Enabled {
    /// Returns true if the built-in type `id` is switched on.
    #[inline]
    pub(crate) fn on(&self, id: TypeId) -> bool {
        self.0.get(usize::from(id)).copied().unwrap_or(false)
    }
}

/// Appends a finding; a tiny helper so detector code reads as a list of rules.
#[inline]
pub(crate) fn push(
    out: &mut Vec<Finding>,
    start: usize,
    end: usize,
    type_id: TypeId,
    detector: &'static str,
) {
    out.push(Finding {
        start,
        end,
        type_id,
        detector,
        encoding: Encoding::Plain,
    });
}

/// The compiled detector set. It is immutable after construction, so it is `Send + Sync` and
/// meant to be built once and shared by reference across worker threads.
pub struct Detectors {
    types: Vec<TypeInfo>,
    enabled: Enabled,
    /// Which shared scanners of [`types::SCANNERS`] have an enabled type.
    scanners: [bool; types::SCANNERS.len()],
    /// Whether any prefixed type is enabled.
    prefixed: bool,
    secrets: secrets::SecretScanner,
    assign: assign::AssignScanner,
    custom: Vec<custom::CustomDetector>,
    /// Values in which a custom type's match reached the cut end of a search window.
    custom_bounded: std::sync::atomic::AtomicU64,
    allow: allow::Allowlist,
    /// Numbering plans of the regions whose national-format phone numbers are detected.
    phone_plans: phone_plan::NationalPlans,
}

/// Builds, on a background thread, what the detectors build on first need: the name
/// gazetteer, the address lexicon and the national phone plans of `cfg`'s regions (together
/// about 0.1 s of one core). A run over a small input (a nightly `report --state` scanning one
/// new file) would otherwise wait for them on one core while the other is idle; the scan finds
/// them ready, or waits for the one being built. Results never depend on it.
pub fn warm_up(cfg: &PiiConfig) {
    let regions = cfg.regions.clone();
    let _ = std::thread::Builder::new()
        .name("logwarden-warm-up".into())
        .spawn(move || {
            phone_plan::warm(&regions);
            std::sync::LazyLock::force(&names::GAZ);
            address::warm();
        });
}

impl std::fmt::Debug for Detectors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Detectors")
            .field("types", &self.types)
            .field("enabled", &self.enabled)
            .finish_non_exhaustive()
    }
}

impl Detectors {
    /// Compiles the detectors described by `cfg`, validating custom types, allowlist patterns
    /// and the `disable` list.
    pub fn new(cfg: &PiiConfig) -> Result<Detectors, PiiConfigError> {
        let custom = custom::compile(&cfg.custom, BUILTIN_COUNT)?;
        let mut types: Vec<TypeInfo> = BUILTIN.iter().map(TypeInfo::builtin).collect();
        types.extend(
            cfg.custom
                .iter()
                .map(|c| TypeInfo::custom(&c.name, c.secret)),
        );
        let mut enabled_all = vec![true; types.len()];
        for d in &cfg.disable {
            let idx = types
                .iter()
                .position(|t| t.name.eq_ignore_ascii_case(d.trim()))
                .ok_or_else(|| PiiConfigError::UnknownType {
                    name: d.clone(),
                    known: types
                        .iter()
                        .map(|t| t.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                })?;
            enabled_all[idx] = false;
        }
        apply_regions(&cfg.regions, &mut enabled_all)?;
        let on = |i: usize| enabled_all[i];
        let scanners = types::SCANNERS.map(|sc| {
            BUILTIN.iter().enumerate().any(|(i, d)| {
                on(i) && matches!(d.find, types::Find::Scanners(list) if list.contains(&sc))
            })
        });
        let prefixed = BUILTIN
            .iter()
            .enumerate()
            .any(|(i, d)| on(i) && matches!(d.find, types::Find::Prefixes(_)));
        let custom = custom
            .into_iter()
            .filter(|c| enabled_all[usize::from(c.type_id)])
            .collect();
        Ok(Detectors {
            types,
            enabled: Enabled(enabled_all[..BUILTIN_COUNT].to_vec()),
            scanners,
            prefixed,
            secrets: secrets::SecretScanner::new(),
            assign: assign::AssignScanner::new(),
            custom,
            custom_bounded: std::sync::atomic::AtomicU64::new(0),
            allow: allow::Allowlist::new(cfg)?,
            phone_plans: phone_plan::NationalPlans::new(&cfg.regions),
        })
    }

    /// Appends the findings in `text` to `out`, sorted by start, non-overlapping (on overlap keep the longer / more specific one: a secret beats a phone number inside it, an email beats an IP inside it, etc.). Allowlisted values are not reported.
    ///
    /// Texts shorter than six bytes return at once: no built-in value fits in them.
    ///
    /// Base64 and percent-encoded runs are decoded and scanned too (one level deep); their
    /// findings carry an [`Encoding`], and [`Detectors::value`] gives their decoded value.
    pub fn scan(&self, text: &str, out: &mut Vec<Finding>) {
        if text.len() < MIN_SCAN_LEN {
            return;
        }
        let base = out.len();
        self.scan_plain(text, out);
        encoded::scan(self, text, out, base);
    }

    /// Appends the findings in the text of a JSON number (`14158675309`, `4539149458073027`) to
    /// `out`: those of [`Detectors::scan`] on its text, and a NANP phone number written as
    /// E.164 without its `+`, which as bare digits in prose would be too loose to report.
    pub fn scan_number(&self, number: &str, out: &mut Vec<Finding>) {
        let base = out.len();
        self.scan(number, out);
        if out.len() == base
            && self.enabled.on(PHONE)
            && phone::is_json_number_phone(number)
            && !self.allow.is_allowed(PHONE, number)
        {
            push(out, 0, number.len(), PHONE, "phone-json-number");
        }
    }

    /// [`Detectors::scan`] without looking inside encoded runs.
    fn scan_plain(&self, text: &str, out: &mut Vec<Finding>) {
        if text.len() < MIN_SCAN_LEN {
            return;
        }
        let base = out.len();
        let en = &self.enabled;
        for (sc, on) in types::SCANNERS.iter().zip(self.scanners) {
            if on {
                match sc {
                    types::Scanner::Email => email::scan(text, out),
                    types::Scanner::Digits => digits::scan(text, en, &self.phone_plans, out),
                    types::Scanner::Ipv6 => ip::scan_v6(text, out),
                    types::Scanner::Assign => self.assign.scan(text, en, out),
                    types::Scanner::National => national::scan(text, en, out),
                    types::Scanner::Names => names::scan(text, en, out),
                    types::Scanner::Address => address::scan(text, en, out),
                }
            }
        }
        if self.prefixed {
            self.secrets.scan(text, en, out);
        }
        for c in &self.custom {
            c.scan(text, out, &self.custom_bounded);
        }
        if out.len() == base {
            return;
        }
        resolve_overlaps(out, base, |id| self.priority(id));
        let mut w = base;
        for r in base..out.len() {
            let f = out[r];
            let value = text.get(f.start..f.end).unwrap_or("");
            if self.allow.is_allowed(f.type_id, value)
                || redact::inside_hash_tag(text.as_bytes(), f.start, f.end)
            {
                continue;
            }
            out[w] = f;
            w += 1;
        }
        out.truncate(w);
    }

    /// The value of finding `f` of `text`: its span, decoded if it was found encoded (an
    /// encoded span that no longer decodes yields the raw span).
    pub fn value<'t>(&self, text: &'t str, f: &Finding) -> std::borrow::Cow<'t, str> {
        let raw = text.get(f.start..f.end).unwrap_or("");
        if f.encoding == Encoding::Plain {
            return std::borrow::Cow::Borrowed(raw);
        }
        encoded::decode_value(text, f)
            .map_or(std::borrow::Cow::Borrowed(raw), std::borrow::Cow::Owned)
    }

    /// How many scanned values were longer than a custom type's search window and had a match
    /// reaching a window's cut end (so the match may have been cut or missed). Custom regexes
    /// run on bounded windows so that none can take more than linear time.
    pub fn custom_bounded(&self) -> u64 {
        self.custom_bounded
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Returns the name of type `id` (a built-in name or a custom type's name), or `"UNKNOWN"`.
    pub fn type_name(&self, id: TypeId) -> &str {
        self.types
            .get(usize::from(id))
            .map_or("UNKNOWN", |t| t.name.as_str())
    }

    /// Returns the run-time definition of type `id`, if there is such a type.
    pub fn type_info(&self, id: TypeId) -> Option<&TypeInfo> {
        self.types.get(usize::from(id))
    }

    /// Returns every type: the built-ins, then the configured custom types, by id.
    pub fn types(&self) -> &[TypeInfo] {
        &self.types
    }

    /// Returns the number of types: the built-ins plus the configured custom types.
    pub fn type_count(&self) -> usize {
        self.types.len()
    }

    /// Returns true for secret types: the built-ins of class secret and custom types
    /// configured with `secret = true`.
    pub fn is_secret(&self, id: TypeId) -> bool {
        self.type_info(id).is_some_and(TypeInfo::is_secret)
    }

    /// Masks `value`, detected as type `id`, for display; see [`mask::apply`].
    pub fn mask(&self, id: TypeId, value: &str) -> String {
        let masker = self
            .type_info(id)
            .map_or(types::Masker::Generic, |t| t.mask);
        mask::apply(masker, value)
    }

    /// The keyed fingerprint of `value`, detected as type `id`.
    pub fn fingerprint(&self, fp: &Fingerprinter, id: TypeId, value: &str) -> String {
        let norm = self
            .type_info(id)
            .map_or(types::Normalizer::Trim, |t| t.normalize);
        fp.fingerprint(self.type_name(id), norm, value)
    }

    /// Ranks types for overlap resolution: the more specific a format, the higher. Phone
    /// numbers are the loosest format, so anything else containing one wins.
    fn priority(&self, id: TypeId) -> u8 {
        self.type_info(id).map_or(3, |t| t.priority)
    }
}

/// Switches national types on and off by `[pii] regions`: with no regions, every type but the
/// keyword-only (`opt_in`) ones is on; with regions, exactly the national types of the listed
/// countries are on (types without a country are not affected).
fn apply_regions(regions: &[String], enabled: &mut [bool]) -> Result<(), PiiConfigError> {
    for r in regions {
        // A region without national types still selects its national phone numbers.
        let known = BUILTIN
            .iter()
            .any(|d| d.country.eq_ignore_ascii_case(r.trim()))
            || phone_plan::RegionPlan::for_region(r).is_some();
        if !known {
            let mut all: Vec<&str> = BUILTIN
                .iter()
                .map(|d| d.country)
                .filter(|c| !c.is_empty())
                .chain(phone_plan::DEFAULT_NATIONAL_REGIONS.iter().copied())
                .collect();
            all.sort_unstable();
            all.dedup();
            return Err(PiiConfigError::UnknownRegion {
                region: r.clone(),
                known: all.join(", "),
            });
        }
    }
    for (i, d) in BUILTIN.iter().enumerate() {
        if d.country.is_empty() {
            continue;
        }
        let wanted = if regions.is_empty() {
            !d.opt_in
        } else {
            regions
                .iter()
                .any(|r| r.trim().eq_ignore_ascii_case(d.country))
        };
        enabled[i] &= wanted;
    }
    Ok(())
}

/// Sorts `out[base..]` by start and removes overlaps, keeping the highest-priority, then longest,
/// then earliest candidate of each overlapping group; on a complete tie the higher type id
/// wins, so a custom type beats the built-in it refines.
fn resolve_overlaps(out: &mut Vec<Finding>, base: usize, priority: impl Fn(TypeId) -> u8) {
    let found = &mut out[base..];
    found.sort_unstable_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    if found.windows(2).all(|w| w[0].end <= w[1].start) {
        return;
    }
    let mut cands: Vec<Finding> = out.drain(base..).collect();
    cands.sort_by(|a, b| {
        priority(b.type_id)
            .cmp(&priority(a.type_id))
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.start.cmp(&b.start))
            .then(b.type_id.cmp(&a.type_id))
    });
    // `kept` stays sorted by start, so only the two neighbours of an insertion point can overlap.
    let mut kept: Vec<Finding> = Vec::with_capacity(cands.len());
    for c in cands {
        let idx = kept.partition_point(|k| k.start < c.start);
        let clash_prev = idx > 0 && kept[idx - 1].end > c.start;
        let clash_next = idx < kept.len() && kept[idx].start < c.end;
        if !clash_prev && !clash_next {
            kept.insert(idx, c);
        }
    }
    out.extend(kept);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn det() -> Detectors {
        Detectors::new(&PiiConfig::default()).unwrap()
    }

    #[test]
    fn api_basics() {
        let d = det();
        assert_eq!(d.type_count(), BUILTIN_COUNT);
        assert_eq!(d.type_name(JWT), "JWT");
        assert_eq!(d.type_name(999), "UNKNOWN");
        assert!(d.is_secret(AWS) && d.is_secret(JWT) && !d.is_secret(IP));
        assert!(!d.is_secret(999));
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Detectors>();
    }

    #[test]
    fn short_strings_return_immediately() {
        let d = det();
        let mut out = Vec::new();
        d.scan("a@b.c", &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn appends_after_existing_findings() {
        let d = det();
        let sentinel = Finding {
            start: 0,
            end: 0,
            type_id: 0,
            detector: "x",
            encoding: Encoding::Plain,
        };
        let mut out = vec![sentinel];
        d.scan("mail bob@corp.io now", &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0], sentinel);
    }

    #[test]
    fn findings_are_sorted_and_disjoint() {
        let d = det();
        let text = "ip 10.0.0.1 mail a.b@corp.io card 4111 1111 1111 1111 ssn 123-45-6789 \
                    tel (415) 555-0132 key AKIAQYLPMN5HHHFPZAM2 jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln";
        let mut out = Vec::new();
        d.scan(text, &mut out);
        assert_eq!(out.len(), 7, "{:?}", d.found(text));
        for w in out.windows(2) {
            assert!(w[0].end <= w[1].start);
        }
    }

    #[test]
    fn secret_beats_numbers_inside() {
        let d = det();
        let r = d.found("token xoxb-4155550132-4155550199-AbCdEfGhIjKlMnOp end");
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].0, "SLACK_TOKEN");
        let r = d.found("x 415-555-0132@corp.io");
        assert_eq!(
            r,
            vec![("EMAIL_ADDRESS".into(), "415-555-0132@corp.io".into())]
        );
    }

    #[test]
    fn disable_and_unknown_types() {
        let cfg = PiiConfig {
            disable: vec!["email_address".into(), "IP_ADDRESS".into()],
            ..PiiConfig::default()
        };
        let d = Detectors::new(&cfg).unwrap();
        assert!(d
            .found("bob@corp.io 10.1.2.3 and 415-555-0132")
            .iter()
            .all(|(t, _)| t == "PHONE_NUMBER"));
        let cfg = PiiConfig {
            disable: vec!["EMAIL".into()],
            ..PiiConfig::default()
        };
        let err = Detectors::new(&cfg).unwrap_err().to_string();
        assert!(err.contains("disable") && err.contains("EMAIL"), "{err}");
    }

    #[test]
    fn custom_type_wins_a_tie_with_a_builtin() {
        let cfg = PiiConfig {
            custom: vec![CustomType {
                name: "STAFF_EMAIL".into(),
                regex: r"[a-z]+@corp\.io".into(),
                validator: None,
                secret: false,
            }],
            ..PiiConfig::default()
        };
        let d = Detectors::new(&cfg).unwrap();
        assert_eq!(
            d.found("write to bob@corp.io today"),
            vec![("STAFF_EMAIL".into(), "bob@corp.io".into())]
        );
    }

    #[test]
    fn resolve_prefers_priority_then_length() {
        let mk = |start, end, type_id| Finding {
            start,
            end,
            type_id,
            detector: "t",
            encoding: Encoding::Plain,
        };
        let mut v = vec![
            mk(5, 15, PHONE),
            mk(0, 10, CARD),
            mk(12, 20, EMAIL),
            mk(0, 3, PHONE),
        ];
        resolve_overlaps(&mut v, 0, |id| match id {
            PHONE => 1,
            CARD => 2,
            _ => 3,
        });
        assert_eq!(v, vec![mk(0, 10, CARD), mk(12, 20, EMAIL)]);
    }
}
