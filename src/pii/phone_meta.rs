//! libphonenumber's metadata as the phone detectors read it: per region its calling code, trunk
//! prefix, possible lengths, the patterns of its assigned ranges and its written formats.
//!
//! The `phonenumber` crate's database holds the same data, but loading it checks the syntax of
//! every pattern of every region (about 0.08 s of one core), paid by every run that meets a
//! phone candidate: a nightly `report --state` scanning one new file paid it beside a scan of
//! a few tenths of a second. The detectors read this table instead (`phone_meta.txt`, parsed
//! in about a millisecond); a test renders it from the crate's database and fails when they
//! differ, so it follows the crate's metadata version (rewrite it with
//! `LOGWARDEN_BLESS=1 cargo test --release --lib phone_meta`).
//!
//! One line per item, fields separated by tabs, patterns without their (meaningless)
//! whitespace: `R id code trunk-prefix-or-- general-lengths`, then per descriptor present
//! `K kind lengths pattern` (kind: an index of [`Meta::kinds`]), then per format
//! `F last-leading-digits-or-empty pattern`.

use std::sync::OnceLock;

/// One descriptor: its possible lengths (empty: the general ones) and its pattern (empty or
/// `NA` when nothing is assigned).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Desc {
    pub lengths: Vec<u16>,
    pub pattern: String,
}

/// One region's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Meta {
    /// ISO 3166 code (`001` for the non-geographic codes).
    pub id: String,
    pub code: u16,
    pub national_prefix: Option<String>,
    /// The general descriptor's possible lengths.
    pub general: Vec<u16>,
    /// The descriptors of assigned ranges present, in this order: fixed line, mobile, toll
    /// free, premium rate, shared cost, personal number, VoIP, pager, UAN, voicemail.
    pub kinds: [Option<Desc>; 10],
    /// The written formats: the last leading-digits pattern (if any) and the pattern.
    pub formats: Vec<(Option<String>, String)>,
}

/// Every region of the table, parsed once.
pub(super) fn all() -> &'static [Meta] {
    static TABLE: OnceLock<Vec<Meta>> = OnceLock::new();
    TABLE.get_or_init(|| parse(include_str!("phone_meta.txt")))
}

fn lengths(s: &str) -> Vec<u16> {
    s.split(',').filter_map(|x| x.parse().ok()).collect()
}

/// Reads the table's text (written by [`render`]); a line it does not understand is skipped.
fn parse(text: &str) -> Vec<Meta> {
    let mut out: Vec<Meta> = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        match (f.first().copied(), out.last_mut()) {
            (Some("R"), _) if f.len() == 5 => out.push(Meta {
                id: f[1].to_string(),
                code: f[2].parse().unwrap_or(0),
                national_prefix: (f[3] != "-").then(|| f[3].to_string()),
                general: lengths(f[4]),
                kinds: Default::default(),
                formats: Vec::new(),
            }),
            (Some("K"), Some(m)) if f.len() == 4 => {
                if let Some(slot) = f[1].parse::<usize>().ok().and_then(|k| m.kinds.get_mut(k)) {
                    *slot = Some(Desc {
                        lengths: lengths(f[2]),
                        pattern: f[3].to_string(),
                    });
                }
            }
            (Some("F"), Some(m)) if f.len() == 3 => m.formats.push((
                (!f[1].is_empty()).then(|| f[1].to_string()),
                f[2].to_string(),
            )),
            _ => {}
        }
    }
    out
}

/// The table's text for `metas`.
#[cfg(test)]
fn render(metas: &[Meta]) -> String {
    let join = |l: &[u16]| l.iter().map(u16::to_string).collect::<Vec<_>>().join(",");
    let mut s = String::new();
    for m in metas {
        let prefix = m.national_prefix.as_deref().unwrap_or("-");
        s.push_str(&format!(
            "R\t{}\t{}\t{prefix}\t{}\n",
            m.id,
            m.code,
            join(&m.general)
        ));
        for (k, d) in m.kinds.iter().enumerate() {
            if let Some(d) = d {
                s.push_str(&format!("K\t{k}\t{}\t{}\n", join(&d.lengths), d.pattern));
            }
        }
        for (leading, pattern) in &m.formats {
            s.push_str(&format!(
                "F\t{}\t{pattern}\n",
                leading.as_deref().unwrap_or("")
            ));
        }
    }
    s
}

/// The metadata of the `phonenumber` crate's database, sorted by region id.
#[cfg(test)]
fn from_crate() -> Vec<Meta> {
    use phonenumber::metadata::DATABASE;
    let bare = |p: &str| -> String { p.chars().filter(|c| !c.is_whitespace()).collect() };
    let mut out: Vec<Meta> = DATABASE
        .iter()
        .map(|meta| {
            let d = meta.descriptors();
            let kinds = [
                d.fixed_line(),
                d.mobile(),
                d.toll_free(),
                d.premium_rate(),
                d.shared_cost(),
                d.personal_number(),
                d.voip(),
                d.pager(),
                d.uan(),
                d.voicemail(),
            ]
            .map(|k| {
                k.map(|desc| Desc {
                    lengths: desc.possible_length().to_vec(),
                    pattern: bare(desc.national_number().as_str()),
                })
            });
            Meta {
                id: meta.id().to_string(),
                code: meta.country_code(),
                national_prefix: meta.national_prefix().map(str::to_string),
                general: d.general().possible_length().to_vec(),
                kinds,
                formats: meta
                    .formats()
                    .iter()
                    .map(|f| {
                        (
                            f.leading_digits().last().map(|l| bare(l.as_str())),
                            bare(f.pattern().as_str()),
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    out.sort_by(|a, b| (&a.id, a.code).cmp(&(&b.id, b.code)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table is the crate's metadata, item for item (rewritten with LOGWARDEN_BLESS=1).
    #[test]
    fn the_table_is_the_crates_metadata() {
        let want = from_crate();
        for m in &want {
            let fields = [m.id.as_str(), m.national_prefix.as_deref().unwrap_or("")];
            let patterns = m.kinds.iter().flatten().map(|d| d.pattern.as_str());
            let formats = m
                .formats
                .iter()
                .flat_map(|(l, p)| [l.as_deref().unwrap_or(""), p.as_str()]);
            for x in fields.into_iter().chain(patterns).chain(formats) {
                assert!(!x.contains(['\t', '\n']), "{}: {x}", m.id);
            }
            assert_ne!(m.national_prefix.as_deref(), Some("-"), "{}", m.id);
        }
        let text = render(&want);
        if std::env::var_os("LOGWARDEN_BLESS").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/pii/phone_meta.txt");
            std::fs::write(path, &text).unwrap();
            return;
        }
        assert!(
            include_str!("phone_meta.txt") == text,
            "src/pii/phone_meta.txt differs from the phonenumber crate's metadata: \
             rewrite it with LOGWARDEN_BLESS=1 cargo test --release --lib phone_meta"
        );
        assert_eq!(all(), want.as_slice());
        assert!(all().len() > 240, "{}", all().len());
    }
}
