//! Placing planted values and decoys into text fields (at the very start or end, right after
//! a newline or tab, or inside a carrier sentence) and the ground-truth rows they produce.

use super::pii::PiiKind;
use super::rng::Rng;
use super::GenFormat;
use std::fmt::Write as _;

/// A string field of a record that can carry a planted value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Prompt,
    Response,
    Comment,
    /// `metadata.messages[i].content`.
    Message(usize),
    /// `metadata.client.ip`, which then holds the whole unmasked address.
    ClientIp,
    /// The assistant message of an OpenAI Batch line.
    BatchContent,
}

impl Field {
    /// Appends the JSON path of the field as written in the truth file.
    pub(crate) fn push_path(self, out: &mut String) {
        match self {
            Field::Prompt => out.push_str("prompt"),
            Field::Response => out.push_str("response"),
            Field::Comment => out.push_str("feedback.comment"),
            Field::Message(i) => {
                let _ = write!(out, "metadata.messages[{i}].content");
            }
            Field::ClientIp => out.push_str("metadata.client.ip"),
            Field::BatchContent => out.push_str("response.body.choices[0].message.content"),
        }
    }

    /// Whether the field holds prose in this record: the prompt of a native line, the answer
    /// of a call that produced one (in a Batch line its only text). Names, addresses and
    /// national phone numbers are planted only there.
    pub(crate) fn holds_prose(self, batch: bool, has_response: bool) -> bool {
        match self {
            Field::BatchContent => batch && has_response,
            Field::Prompt => !batch,
            Field::Response => !batch && has_response,
            _ => false,
        }
    }
}

/// One planted value: where it went, what it is, and the exact substring.
#[derive(Debug, Clone)]
pub(crate) struct Truth {
    pub field: Field,
    pub kind: PiiKind,
    pub value: String,
}

/// Text to insert at byte offset `at` of the original (pre-insertion) string.
#[derive(Debug)]
pub(crate) struct Insert {
    pub at: usize,
    pub text: String,
}

fn carrier(kind: PiiKind) -> &'static [&'static str] {
    match kind {
        PiiKind::Email => &[
            "my email is ",
            "you can reach me at ",
            "please send the invoice to ",
            "cc ",
        ],
        PiiKind::Phone => &["call me at ", "my number is ", "phone: ", "text me on "],
        PiiKind::CreditCard => &["my card number is ", "the card ", "charge it to ", "card: "],
        PiiKind::Ssn => &["my SSN is ", "social security number ", "SSN: "],
        PiiKind::Iban => &["please wire it to ", "IBAN: ", "my account is "],
        PiiKind::Ipv4 | PiiKind::Ipv6 => {
            &["the request came from ", "please allowlist ", "server at "]
        }
        PiiKind::PrivateKey => &["here is the key file:\n", "deploy key (don't share):\n"],
        PiiKind::Jwt => &["Authorization: Bearer ", "my session token is "],
        PiiKind::National(i) => super::national::KINDS[usize::from(i)].carriers,
        _ => &[
            "here's my key: ",
            "I set the env var to ",
            "token ",
            "using ",
        ],
    }
}

const SUFFIXES: &[&str] = &[
    " please.",
    ", thanks.",
    " — urgent.",
    " if that helps.",
    " (just in case).",
];

/// Decides which fields receive planted values before any text exists, so the texts can
/// be shaped to hold them (a prior turn for `messages[1]`, feedback for the comment).
///
/// `email_p` is the chance that a failure template's user pastes their email address.
pub(crate) fn plan(
    rng: &mut Rng,
    format: GenFormat,
    has_response: bool,
    email_p: f64,
) -> Vec<(Field, PiiKind)> {
    let batch = format == GenFormat::OpenaiBatch;
    let mut plan = Vec::new();
    if rng.chance(email_p) && (!batch || has_response) {
        // Batch output has no prompt, so the pasted email goes into the answer there.
        let field = if batch {
            Field::BatchContent
        } else {
            Field::Prompt
        };
        plan.push((field, PiiKind::Email));
    }
    if !rng.chance(0.025) || (batch && !has_response) {
        return plan;
    }
    let n = match rng.below(100) {
        0..=69 => 1,
        70..=91 => 2,
        _ => 3,
    };
    for _ in 0..n {
        let kind = PiiKind::draw(rng);
        let field = if batch {
            Field::BatchContent
        } else if matches!(kind, PiiKind::Ipv4 | PiiKind::Ipv6)
            && rng.chance(0.35)
            && !plan.iter().any(|p| p.0 == Field::ClientIp)
        {
            Field::ClientIp
        } else {
            match rng.below(100) {
                0..=39 => Field::Prompt,
                40..=59 if has_response => Field::Response,
                60..=71 => Field::Comment,
                72..=86 => Field::Message(1),
                _ => Field::Prompt,
            }
        };
        plan.push((field, kind));
    }
    plan
}

/// Chooses where and how `value` goes into `original`.
///
/// Every placement leaves a non-word character or the string edge on both sides of the
/// value, so the planted substring is exactly what a scanner should report. At most one
/// value per field takes the very start and one the very end.
pub(crate) fn place(
    rng: &mut Rng,
    original: &str,
    kind: PiiKind,
    value: &str,
    edges: &mut (bool, bool),
) -> Insert {
    let len = original.len();
    let mut mode = rng.below(20);
    if matches!(kind, PiiKind::National(_)) {
        // National identifiers go into a carrier sentence, which holds their keyword.
        mode = 19;
    }
    if (mode < 3 && edges.0) || ((3..6).contains(&mode) && edges.1) {
        mode = 19;
    }
    match mode {
        0..=2 => {
            edges.0 = true;
            let sep = if len == 0 {
                ""
            } else {
                *rng.pick(&[" ", "\n", "\t", " — "])
            };
            Insert {
                at: 0,
                text: format!("{value}{sep}"),
            }
        }
        3..=5 => {
            edges.1 = true;
            let sep = if len == 0 {
                ""
            } else {
                *rng.pick(&[" ", "\n", "\t"])
            };
            Insert {
                at: len,
                text: format!("{sep}{value}"),
            }
        }
        6..=9 => {
            let (pre, post) = *rng.pick(&[
                ("\n", "\n"),
                ("\t", "\t"),
                ("\n", " "),
                ("\t", " "),
                ("\n\n", "\n"),
            ]);
            Insert {
                at: boundary(original, rng.below(len as u64 + 1) as usize),
                text: format!("{pre}{value}{post}"),
            }
        }
        _ => {
            let at = space_after(original, rng.below(len as u64 + 1) as usize);
            let lead = if at == 0 { "" } else { " " };
            let mut text = format!("{lead}{}{value}", rng.pick(carrier(kind)));
            text.push_str(rng.pick::<&str>(SUFFIXES));
            if at == 0 && len > 0 {
                text.push(' ');
            }
            Insert { at, text }
        }
    }
}

/// Returns an insertion point for a decoy sentence.
pub(crate) fn place_decoy(rng: &mut Rng, original: &str, sentence: String) -> Insert {
    let at = space_after(original, rng.below(original.len() as u64 + 1) as usize);
    let text = if at == 0 {
        format!("{sentence} ")
    } else {
        format!(" {sentence}")
    };
    Insert { at, text }
}

fn boundary(s: &str, mut at: usize) -> usize {
    while !s.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// Returns the offset of the first space at or after `from`, or the end of the string.
fn space_after(s: &str, from: usize) -> usize {
    let from = boundary(s, from);
    s[from..].find(' ').map_or(s.len(), |i| from + i)
}

/// Applies insertions made against the original string; ties keep their list order.
pub(crate) fn apply(s: &mut String, mut ins: Vec<Insert>) {
    if ins.is_empty() {
        return;
    }
    ins.sort_by_key(|i| i.at);
    let extra: usize = ins.iter().map(|i| i.text.len()).sum();
    let mut out = String::with_capacity(s.len() + extra);
    let mut prev = 0;
    for i in &ins {
        out.push_str(&s[prev..i.at]);
        out.push_str(&i.text);
        prev = i.at;
    }
    out.push_str(&s[prev..]);
    *s = out;
}

/// Appends one RFC 4180 CSV row `line,field,pii_type,value` to `out`.
pub(crate) fn push_truth_row(out: &mut String, line: u64, t: &Truth) {
    let _ = write!(out, "{line},");
    t.field.push_path(out);
    out.push(',');
    out.push_str(t.kind.as_str());
    out.push(',');
    if t.value.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&t.value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&t.value);
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insertions_keep_values_intact() {
        let mut rng = Rng::new(9);
        for n in 0..300 {
            let original = if n % 7 == 0 {
                String::new()
            } else {
                "héllo wörld 你好 foo bar baz ".repeat(n % 5 + 1)
            };
            let mut edges = (false, false);
            let values = ["a@b.co", "4111 1111 1111 1111", "ghp_x"];
            let ins: Vec<Insert> = values
                .iter()
                .map(|v| place(&mut rng, &original, PiiKind::Email, v, &mut edges))
                .collect();
            let mut s = original.clone();
            apply(&mut s, ins);
            for v in values {
                assert!(s.contains(v), "{v} missing from {s:?}");
            }
        }
    }

    #[test]
    fn csv_quotes_when_needed() {
        let mut s = String::new();
        let t = Truth {
            field: Field::Message(1),
            kind: PiiKind::PrivateKey,
            value: "a\n\"b\"".into(),
        };
        push_truth_row(&mut s, 3, &t);
        assert_eq!(
            s,
            "3,metadata.messages[1].content,PRIVATE_KEY,\"a\n\"\"b\"\"\"\n"
        );
    }
}
