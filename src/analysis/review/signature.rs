//! Normalized signatures of failing requests, for clustering: the first substantive sentence of
//! the prompt, lowercased, with numbers, ids, emails, URLs, UUIDs and hex replaced by
//! placeholders, punctuation and filler words dropped, kept as a small set of token hashes.

/// Where a signature's text came from. Signatures of different sources share no tokens, so a
/// prompt never clusters with a response or an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureSource {
    Prompt = 1,
    Response = 2,
    Error = 3,
}

/// A compact, order-free signature: the sorted, distinct hashes of the head tokens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Signature {
    tokens: Box<[u32]>,
}

/// Bytes of text looked at; the head sentence is always near the start.
const MAX_TEXT_BYTES: usize = 2000;
/// Most tokens kept from the head, so a signature stays under 100 bytes.
const MAX_TOKENS: usize = 24;
/// A sentence with fewer words than this (a greeting such as "Hello!", a pasted address) is
/// not the head.
const MIN_HEAD_TOKENS: usize = 3;

/// Words that carry no topic: articles, pronouns, auxiliaries, greetings.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "afternoon",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "been",
    "but",
    "by",
    "can",
    "could",
    "dear",
    "did",
    "do",
    "does",
    "evening",
    "for",
    "from",
    "good",
    "had",
    "has",
    "have",
    "hello",
    "here",
    "hey",
    "hi",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "just",
    "me",
    "morning",
    "my",
    "of",
    "on",
    "one",
    "or",
    "our",
    "please",
    "pls",
    "question",
    "quick",
    "should",
    "so",
    "some",
    "team",
    "thank",
    "thanks",
    "that",
    "the",
    "there",
    "these",
    "this",
    "those",
    "to",
    "us",
    "was",
    "we",
    "were",
    "what",
    "which",
    "who",
    "will",
    "with",
    "would",
    "you",
    "your",
];

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];

const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

impl Signature {
    /// The signature of `text` taken from `source`.
    pub fn of_text(source: SignatureSource, text: &str) -> Signature {
        let mut tokens: Vec<u32> = head_tokens(text)
            .iter()
            .map(|t| token_hash(source as u8, t))
            .collect();
        tokens.sort_unstable();
        tokens.dedup();
        Signature {
            tokens: tokens.into_boxed_slice(),
        }
    }

    /// The sorted, distinct token hashes.
    pub fn tokens(&self) -> &[u32] {
        &self.tokens
    }

    /// Jaccard similarity of the two token sets; two empty signatures are identical.
    pub fn jaccard(&self, other: &Signature) -> f64 {
        let (a, b) = (&self.tokens, &other.tokens);
        if a.is_empty() && b.is_empty() {
            return 1.0;
        }
        let shared = intersection_len(a, b);
        shared as f64 / (a.len() + b.len() - shared) as f64
    }
}

/// Size of the intersection of two sorted, distinct slices.
pub fn intersection_len(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// FNV-1a: stable across runs and platforms, unlike the standard library's hasher.
fn token_hash(source: u8, token: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in std::iter::once(&source).chain(token.as_bytes()) {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The part of a text a signature looks at (its first 2,000 bytes, on a char boundary).
pub fn text_head(text: &str) -> &str {
    prefix(text, MAX_TEXT_BYTES)
}

/// The head of `text`: the tokens of its first sentence with at least three words (tokens
/// other than placeholders), or of the whole text when no sentence has; at most
/// [`MAX_TOKENS`] distinct ones, in order.
pub fn head_tokens(text: &str) -> Vec<String> {
    let sentences = sentences(text);
    let words = |s: &Vec<String>| s.iter().filter(|t| !t.starts_with('<')).count();
    let chosen: Vec<String> = match sentences.iter().find(|s| words(s) >= MIN_HEAD_TOKENS) {
        Some(s) => s.clone(),
        None => sentences.into_iter().flatten().collect(),
    };
    let mut out: Vec<String> = Vec::with_capacity(chosen.len().min(MAX_TOKENS));
    for t in chosen {
        if out.len() == MAX_TOKENS {
            break;
        }
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// Splits the start of `text` into sentences of normalized tokens (filler words dropped).
/// A sentence ends at `.`, `?`, `!` (and their CJK forms) after a word, or at a line break.
pub fn sentences(text: &str) -> Vec<Vec<String>> {
    let text = prefix(text, MAX_TEXT_BYTES);
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    let mut rest = text;
    loop {
        let trimmed = rest.trim_start();
        let gap = &rest[..rest.len() - trimmed.len()];
        if gap.contains('\n') && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        if trimmed.is_empty() {
            break;
        }
        let end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        let word = &trimmed[..end];
        rest = &trimmed[end..];
        let ends_sentence = word
            .trim_end_matches(['"', '\'', ')', ']', '»', '」', '”', '’'])
            .ends_with(['.', '?', '!', '。', '？', '！', '…']);
        push_word_tokens(word, &mut cur);
        if ends_sentence && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn prefix(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Appends the normalized tokens of one whitespace-separated word.
fn push_word_tokens(word: &str, out: &mut Vec<String>) {
    let core = word.trim_matches(|c: char| !c.is_alphanumeric());
    if core.is_empty() {
        return;
    }
    if let Some(placeholder) = whole_word_class(core) {
        out.push(placeholder.to_string());
        return;
    }
    // Apostrophes join ("didn't" -> "didnt"); other punctuation separates, except `-` and `_`
    // inside identifiers such as INV-12345 or svc_build.
    let mut part = String::new();
    let flush = |part: &mut String, out: &mut Vec<String>| {
        let p = part.trim_matches(['-', '_']);
        if !p.is_empty() {
            classify_part(&p.to_lowercase(), out);
        }
        part.clear();
    };
    for c in core.chars() {
        if c == '\'' || c == '’' {
            continue;
        }
        if c.is_alphanumeric() || c == '-' || c == '_' {
            part.push(c);
        } else {
            flush(&mut part, out);
        }
    }
    flush(&mut part, out);
}

/// Placeholders for words that are one value as a whole: URLs, emails, UUIDs.
fn whole_word_class(core: &str) -> Option<&'static str> {
    let lower = core.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.") {
        return Some("<url>");
    }
    if let Some((local, domain)) = core.split_once('@') {
        if !local.is_empty() && domain.contains('.') {
            return Some("<email>");
        }
    }
    if is_uuid(core) {
        return Some("<uuid>");
    }
    None
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Turns one lowercased identifier-like part into tokens.
fn classify_part(p: &str, out: &mut Vec<String>) {
    let has_digit = p.bytes().any(|b| b.is_ascii_digit());
    let has_alpha = p.chars().any(char::is_alphabetic);
    if has_digit && !has_alpha {
        out.push("<num>".into());
    } else if has_digit && p.len() >= 8 && p.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
        out.push("<hex>".into());
    } else if has_digit {
        out.push("<id>".into());
    } else if p.chars().any(is_cjk) {
        push_cjk(p, out);
    } else if MONTHS.contains(&p) {
        out.push("<month>".into());
    } else if WEEKDAYS.contains(&p) {
        out.push("<weekday>".into());
    } else if !STOPWORDS.contains(&p) {
        out.push(p.to_string());
    }
}

/// Scripts written without spaces: runs become overlapping character pairs, so two sentences
/// that share phrases share tokens.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF)
}

fn push_cjk(p: &str, out: &mut Vec<String>) {
    let chars: Vec<char> = p.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if is_cjk(chars[i]) {
            let start = i;
            while i < chars.len() && is_cjk(chars[i]) {
                i += 1;
            }
            let run = &chars[start..i];
            if run.len() == 1 {
                out.push(run[0].to_string());
            }
            for pair in run.windows(2) {
                out.push(pair.iter().collect());
            }
        } else {
            let start = i;
            while i < chars.len() && !is_cjk(chars[i]) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if !word.is_empty() && !STOPWORDS.contains(&word.as_str()) {
                out.push(word);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(text: &str) -> Signature {
        Signature::of_text(SignatureSource::Prompt, text)
    }

    #[test]
    fn placeholders_and_punctuation() {
        assert_eq!(
            head_tokens("Why was I charged twice on November 3 for invoice INV-48213? Thanks"),
            ["why", "charged", "twice", "<month>", "<num>", "invoice", "<id>"]
        );
        assert_eq!(
            head_tokens("Mail J.Doe@Example.com about https://x.io/a?b=1 and trace 1efef8a2-8808-4329-87c4-753d2cc06422 or deadbeef42cafe"),
            ["mail", "<email>", "<url>", "trace", "<uuid>", "<hex>"]
        );
        assert_eq!(
            head_tokens("I see two charges of $12.34 on Dec 3, didn't expect that."),
            ["see", "two", "charges", "<num>", "<month>", "didnt", "expect"]
        );
    }

    #[test]
    fn head_skips_greetings_and_stops_at_the_first_sentence() {
        assert_eq!(
            head_tokens(
                "Hello! How do I reset my password for account 123456? The launch went fine."
            ),
            ["reset", "password", "account", "<num>"]
        );
        // A line break ends a sentence; a one-word line is no head.
        assert_eq!(
            head_tokens("Summarize this:\nQ3 numbers grew a lot."),
            ["<id>", "numbers", "grew", "lot"]
        );
        assert!(head_tokens("").is_empty());
        assert_eq!(head_tokens("ok"), ["ok"]);
    }

    #[test]
    fn cjk_becomes_character_pairs() {
        assert_eq!(
            head_tokens("回答が間違っています"),
            [
                "回答", "答が", "が間", "間違", "違っ", "って", "てい", "いま", "ます"
            ]
        );
        let a = sig(
            "日本語に翻訳してください（丁寧語で）: \"Payment is due within 30 days of invoice.\"",
        );
        let b = sig(
            "日本語に翻訳してください（丁寧語で）: \"Payment is due within 7 days of invoice.\"",
        );
        assert_eq!(a, b);
    }

    #[test]
    fn near_duplicates_are_similar_and_topics_are_not() {
        let a = sig("How do I reset my password for account 48213?");
        let b = sig("Hi, How do I reset my password for account 99120? Our café chain in Lyon uses the Pro plan.");
        let c = sig("I forgot my password for account 5521, how can I reset it?");
        let d = sig("What is your refund policy for order #5521 placed on October 3?");
        let e = sig("Can you give me the source for the claim that remote teams ship 40% faster?");
        assert_eq!(a.jaccard(&b), 1.0);
        assert!(a.jaccard(&c) >= 0.75, "{}", a.jaccard(&c));
        assert!(a.jaccard(&d) < 0.3, "{}", a.jaccard(&d));
        assert!(d.jaccard(&e) < 0.2, "{}", d.jaccard(&e));
        assert_eq!(Signature::default().jaccard(&Signature::default()), 1.0);
        assert_eq!(a.jaccard(&Signature::default()), 0.0);
    }

    #[test]
    fn sources_never_share_tokens() {
        let p = Signature::of_text(SignatureSource::Prompt, "reset my password now");
        let r = Signature::of_text(SignatureSource::Response, "reset my password now");
        assert_eq!(p.jaccard(&r), 0.0);
    }

    #[test]
    fn long_text_is_cut_on_a_char_boundary() {
        let text = "é".repeat(3000);
        let s = sentences(&text);
        assert_eq!(s.len(), 1);
        assert_eq!(prefix(&text, 5), "éé");
        assert!(head_tokens(&"word ".repeat(100)).len() == 1);
    }
}
