//! The text a case is grouped by: its whole user turn cut into segments (lines, then
//! sentences) of normalized tokens — lowercased, stemmed (Snowball English), stop words
//! dropped, numbers, ids, emails, URLs and PII replaced by placeholders, CJK as character
//! pairs — with the boilerplate every mail client adds (quoted replies, reply headers,
//! greetings, sign-offs with their signature block, contact lines) left out by built-in rules.
//! Boilerplate that only the data reveals is found later, across all cases (`boilerplate.rs`).

use rust_stemmers::{Algorithm, Stemmer};
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

/// Bytes of a text looked at: a case is about what its first few kilobytes say.
pub const MAX_TEXT_BYTES: usize = 8192;
/// Most tokens kept per case, so memory stays small whatever users paste.
const MAX_TOKENS: usize = 256;

/// Where a case's text came from. Tokens of different sources never match, so a prompt never
/// clusters with a response or an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Prompt = 1,
    Response = 2,
    Error = 3,
}

/// A case's normalized text: token ids (stable hashes of the stems) in order, cut into
/// segments (one sentence or line each).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct Doc {
    tokens: Box<[u32]>,
    /// End (exclusive) of each segment in `tokens`.
    ends: Box<[u16]>,
}

impl Doc {
    /// Every token, in order.
    pub fn tokens(&self) -> &[u32] {
        &self.tokens
    }

    /// The segments, in order.
    pub fn segments(&self) -> impl Iterator<Item = &[u32]> + '_ {
        let mut start = 0usize;
        self.ends.iter().map(move |&e| {
            let s = &self.tokens[start..e as usize];
            start = e as usize;
            s
        })
    }

    /// Appends the document's tokens and segment ends to `out` (little-endian, each list
    /// after its length): bytes that differ whenever the documents differ, for hashing.
    pub fn write_bytes(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&(self.tokens.len() as u32).to_le_bytes());
        for t in self.tokens.iter() {
            out.extend_from_slice(&t.to_le_bytes());
        }
        out.extend_from_slice(&(self.ends.len() as u32).to_le_bytes());
        for e in self.ends.iter() {
            out.extend_from_slice(&e.to_le_bytes());
        }
    }

    /// True when the text had no token at all.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    fn from_segments(segments: Vec<Vec<u32>>) -> Doc {
        let mut tokens = Vec::new();
        let mut ends = Vec::new();
        for s in segments {
            if s.is_empty() || tokens.len() >= MAX_TOKENS {
                continue;
            }
            let room = MAX_TOKENS - tokens.len();
            tokens.extend(s.into_iter().take(room));
            ends.push(tokens.len() as u16);
        }
        Doc {
            tokens: tokens.into_boxed_slice(),
            ends: ends.into_boxed_slice(),
        }
    }
}

/// A stable 32-bit hash of a segment's tokens (FNV-1a over their bytes).
pub fn segment_hash(segment: &[u32]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for t in segment {
        for b in t.to_le_bytes() {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
    }
    h
}

/// FNV-1a of a token with its source: stable across runs and platforms.
pub fn token_id(source: Source, token: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in std::iter::once(&(source as u8)).chain(token.as_bytes()) {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The stem of each token id, for cluster labels. A stem is a function of its id's text, so
/// the vocabulary does not depend on which cases were read, or in which order. Two stems may
/// share an id (a 32-bit hash): the smallest is kept, and the id is noted as `collided`, so
/// that what a label could say is known from the ids alone except for those few (the review's
/// clustering memo keys on them).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Vocabulary {
    words: HashMap<u32, Box<str>>,
    /// Ids that more than one stem was seen with.
    collided: BTreeSet<u32>,
}

impl Vocabulary {
    fn note(&mut self, id: u32, word: &str) {
        match self.words.get_mut(&id) {
            Some(w) if word == &**w => {}
            Some(w) => {
                self.collided.insert(id);
                if word < &**w {
                    *w = word.into();
                }
            }
            None => {
                self.words.insert(id, word.into());
            }
        }
    }

    /// Notes `word` for `id`, as reading a text with that stem would.
    #[cfg(test)]
    pub(crate) fn note_for_tests(&mut self, id: u32, word: &str) {
        self.note(id, word);
    }

    /// The word of a token id, if it was seen.
    pub fn word(&self, id: u32) -> Option<&str> {
        self.words.get(&id).map(|w| &**w)
    }

    /// Adds another vocabulary.
    pub fn merge(&mut self, other: Vocabulary) {
        self.collided.extend(other.collided);
        for (id, w) in other.words {
            self.note(id, &w);
        }
    }

    /// The ids more than one stem was seen with, and the stem kept for each, in id order.
    pub fn collided(&self) -> impl Iterator<Item = (u32, &str)> + '_ {
        self.collided
            .iter()
            .map(|&id| (id, self.word(id).unwrap_or_default()))
    }
}

/// Turns texts into [`Doc`]s. One per fold: the stemmer is not shared across threads.
pub struct Normalizer {
    stemmer: Stemmer,
    /// Stems of words seen, because words repeat far more often than they are new.
    stems: RefCell<HashMap<Box<str>, Box<str>>>,
}

/// Words remembered by one normalizer before it starts over.
const STEM_CACHE: usize = 1 << 17;

impl std::fmt::Debug for Normalizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Normalizer").finish_non_exhaustive()
    }
}

impl Default for Normalizer {
    fn default() -> Self {
        Normalizer {
            stemmer: Stemmer::create(Algorithm::English),
            stems: RefCell::new(HashMap::new()),
        }
    }
}

/// One token before hashing: a stem or a placeholder.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Placeholder(&'static str),
}

impl Tok {
    fn text(&self) -> &str {
        match self {
            Tok::Word(stem) => stem,
            Tok::Placeholder(p) => p,
        }
    }
}

/// One segment while it is built: its tokens and the first word as written (lowercase), which
/// the greeting rule reads.
#[derive(Debug, Default)]
struct RawSegment {
    toks: Vec<Tok>,
    first_word: String,
    words: usize,
}

impl Normalizer {
    /// The normalized text of `text` from `source`; the words of its tokens go into `vocab`.
    /// `text` must have its PII blanked or replaced already.
    pub fn doc(&self, source: Source, text: &str, vocab: &mut Vocabulary) -> Doc {
        let text = prefix(text, MAX_TEXT_BYTES);
        let kept = strip_mail_boilerplate(text);
        let mut segments = self.segments(&kept);
        segments.retain(|s| !is_builtin_boilerplate(s));
        if segments.iter().all(|s| s.toks.is_empty()) {
            // Everything was boilerplate: the case is about what it says, all of it.
            segments = self.segments(text);
        }
        let ids = segments
            .into_iter()
            .map(|s| {
                s.toks
                    .iter()
                    .map(|t| {
                        let id = token_id(source, t.text());
                        match t {
                            Tok::Word(stem) => vocab.note(id, stem),
                            Tok::Placeholder(p) => vocab.note(id, p),
                        }
                        id
                    })
                    .collect()
            })
            .collect();
        Doc::from_segments(ids)
    }

    /// The tokens of `text` as plain strings (stems and placeholders), for tests and docs.
    pub fn tokens(&self, text: &str) -> Vec<String> {
        let kept = strip_mail_boilerplate(prefix(text, MAX_TEXT_BYTES));
        self.segments(&kept)
            .into_iter()
            .filter(|s| !is_builtin_boilerplate(s))
            .flat_map(|s| s.toks.into_iter().map(|t| t.text().to_string()))
            .collect()
    }

    /// Splits text into segments: a line break or a `.`, `?`, `!` (and their CJK forms) after
    /// a word ends one.
    fn segments(&self, text: &str) -> Vec<RawSegment> {
        let mut out = Vec::new();
        let mut cur = RawSegment::default();
        let mut rest = text;
        loop {
            let trimmed = rest.trim_start();
            let gap = &rest[..rest.len() - trimmed.len()];
            if gap.contains('\n') && cur.words > 0 {
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
            if cur.words == 0 {
                cur.first_word = word
                    .trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase();
            }
            cur.words += 1;
            self.push_word(word, &mut cur.toks);
            if ends_sentence {
                out.push(std::mem::take(&mut cur));
            }
        }
        if cur.words > 0 {
            out.push(cur);
        }
        out
    }

    /// Appends the tokens of one whitespace-separated word.
    fn push_word(&self, word: &str, out: &mut Vec<Tok>) {
        let core = word.trim_matches(|c: char| !c.is_alphanumeric());
        if core.is_empty() {
            return;
        }
        if let Some(p) = whole_word_class(core) {
            out.push(Tok::Placeholder(p));
            return;
        }
        // Apostrophes join ("didn't" -> "didnt"); other punctuation separates, except `-` and
        // `_` inside identifiers such as INV-12345 or svc_build.
        let mut part = String::new();
        for c in core.chars() {
            if c == '\'' || c == '’' {
                continue;
            }
            if c.is_alphanumeric() || c == '-' || c == '_' {
                part.push(c);
            } else {
                self.push_part(&part, out);
                part.clear();
            }
        }
        self.push_part(&part, out);
    }

    /// Turns one identifier-like part into tokens.
    fn push_part(&self, part: &str, out: &mut Vec<Tok>) {
        let p = part.trim_matches(['-', '_']).to_lowercase();
        if p.is_empty() {
            return;
        }
        let has_digit = p.bytes().any(|b| b.is_ascii_digit());
        let has_alpha = p.chars().any(char::is_alphabetic);
        if has_digit && !has_alpha {
            out.push(Tok::Placeholder("<num>"));
        } else if has_digit && p.len() >= 8 && p.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
        {
            out.push(Tok::Placeholder("<hex>"));
        } else if has_digit {
            // Times and ordinals (5am, 10pm, 3rd) are words, not ids.
            let letters: String = p.chars().filter(|c| c.is_alphabetic()).collect();
            if [
                "am", "pm", "st", "nd", "rd", "th", "h", "min", "k", "m", "gb", "mb",
            ]
            .contains(&letters.as_str())
                && p.chars().take_while(|c| c.is_ascii_digit()).count() + letters.len()
                    == p.chars().count()
            {
                out.push(Tok::Placeholder("<num>"));
                if letters == "am" || letters == "pm" {
                    out.push(Tok::Word(letters));
                }
            } else {
                out.push(Tok::Placeholder("<id>"));
            }
        } else if p.chars().any(is_cjk) {
            self.push_cjk(&p, out);
        } else {
            self.push_plain(&p, out);
        }
    }

    fn push_plain(&self, p: &str, out: &mut Vec<Tok>) {
        if let Ok(i) = STOPWORDS.binary_search(&p) {
            let _ = i;
            return;
        }
        if MONTHS.contains(&p) {
            out.push(Tok::Placeholder("<month>"));
            return;
        }
        if WEEKDAYS.contains(&p) {
            out.push(Tok::Placeholder("<weekday>"));
            return;
        }
        let mut cache = self.stems.borrow_mut();
        if let Some(stem) = cache.get(p) {
            out.push(Tok::Word(stem.to_string()));
            return;
        }
        let stem = self.stemmer.stem(p).into_owned();
        if cache.len() >= STEM_CACHE {
            cache.clear();
        }
        cache.insert(p.into(), stem.as_str().into());
        out.push(Tok::Word(stem));
    }

    /// Scripts written without spaces: runs become overlapping character pairs, so two
    /// sentences that share phrases share tokens.
    fn push_cjk(&self, p: &str, out: &mut Vec<Tok>) {
        let chars: Vec<char> = p.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let start = i;
            let cjk = is_cjk(chars[i]);
            while i < chars.len() && is_cjk(chars[i]) == cjk {
                i += 1;
            }
            let run = &chars[start..i];
            if !cjk {
                let w: String = run.iter().collect();
                self.push_plain(&w, out);
            } else if run.len() == 1 {
                out.push(Tok::Word(run[0].to_string()));
            } else {
                for pair in run.windows(2) {
                    out.push(Tok::Word(pair.iter().collect()));
                }
            }
        }
    }
}

/// Drops what mail clients add around a message: quoted lines (`> …`), reply headers
/// (`On Sat, Oct 31, Support wrote:`, `-----Original Message-----`, `From:`/`Sent:` lines),
/// a signature after `-- `, and a sign-off line (`Best regards,`) with the short lines after
/// it. Returns the text that is left.
fn strip_mail_boilerplate(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        let lower = line.to_lowercase();
        if line.starts_with('>') {
            i += 1;
            continue;
        }
        if is_reply_header(&lower) {
            i += 1;
            continue;
        }
        if line == "--" || line == "-- " || lower.starts_with("-----original message") {
            break;
        }
        if i > 0 && is_sign_off(&lower) && lines[i + 1..].iter().all(|l| is_short(l)) {
            break;
        }
        out.push_str(lines[i]);
        out.push('\n');
        i += 1;
    }
    out
}

/// `On Sat, Oct 31, 2026 at 10:02, Support <x@y.z> wrote:` and the `From:`/`Sent:`/`To:`/
/// `Subject:`/`Cc:`/`Date:` lines of a forwarded header.
fn is_reply_header(lower: &str) -> bool {
    if lower.starts_with("on ") && (lower.ends_with("wrote:") || lower.ends_with("wrote")) {
        return true;
    }
    ["from:", "sent:", "to:", "cc:", "subject:", "date:"]
        .iter()
        .any(|h| lower.starts_with(h))
        && lower.len() < 200
}

/// A closing line: `Best regards,`, `Thanks!`, `Cheers`, `Sent from my iPhone`, … (at most
/// five words).
fn is_sign_off(lower: &str) -> bool {
    const SIGN_OFFS: &[&str] = &[
        "best",
        "kind regards",
        "warm regards",
        "regards",
        "sincerely",
        "yours",
        "cheers",
        "thanks",
        "thank you",
        "many thanks",
        "thx",
        "ty",
        "br",
        "sent from my",
        "get outlook",
        "talk soon",
        "all the best",
        "warmly",
        "respectfully",
    ];
    let words = lower.split_whitespace().count();
    words <= 5
        && SIGN_OFFS.iter().any(|s| {
            lower.starts_with(s)
                && lower[s.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric())
        })
}

/// A line short enough to be part of a signature block (name, title, company, contact).
fn is_short(line: &str) -> bool {
    line.split_whitespace().count() <= 10
}

/// Segments that say nothing about the problem: a greeting (`Hi Maria,`, `Dear support
/// team,`, `Hope you are doing well.`), thanks (`Thanks in advance!`), and contact lines
/// (`Phone: <num>`, `Email me at <email>`).
fn is_builtin_boilerplate(s: &RawSegment) -> bool {
    if s.toks.is_empty() {
        return true;
    }
    let words: Vec<&str> = s
        .toks
        .iter()
        .filter_map(|t| match t {
            Tok::Word(stem) => Some(stem.as_str()),
            Tok::Placeholder(_) => None,
        })
        .collect();
    if words.iter().all(|w| COURTESY_STEMS.contains(w)) && !words.is_empty() {
        return true;
    }
    let first = s.first_word.as_str();
    if ["hi", "hello", "hey", "dear", "greetings", "hiya", "yo"].contains(&first) && s.words <= 4 {
        return true;
    }
    // `Good afternoon Fatima,`: two courtesy words and a name.
    if s.words <= 4 && words.len() >= 2 && words[..2].iter().all(|w| COURTESY_STEMS.contains(w)) {
        return true;
    }
    let placeholders = s.toks.len() - words.len();
    const CONTACT: &[&str] = &[
        "phone", "tel", "mobil", "cell", "email", "e-mail", "fax", "call", "reach", "contact",
        "address", "web", "websit", "whatsapp", "skype", "ext",
    ];
    placeholders > 0 && words.len() <= 4 && words.first().is_some_and(|w| CONTACT.contains(w))
}

/// Stems of courtesy words: a segment made only of these is a greeting or thanks.
const COURTESY_STEMS: &[&str] = &[
    "hi",
    "hello",
    "hey",
    "dear",
    "greet",
    "good",
    "morn",
    "afternoon",
    "even",
    "team",
    "support",
    "hope",
    "well",
    "day",
    "week",
    "thank",
    "thx",
    "appreci",
    "advanc",
    "regard",
    "best",
    "kind",
    "warm",
    "cheer",
    "sincer",
    "wish",
    "great",
    "nice",
    "happi",
    "help",
    "ani",
    "much",
    "lot",
    "pleas",
    "sir",
    "madam",
    "everyon",
    "folk",
    "guy",
    "friend",
    "assist",
    "time",
    "patienc",
    "reply",
    "repli",
    "respons",
    "quick",
    "hear",
    "soon",
    "look",
    "forward",
    "wonder",
    "fine",
    "ok",
    "okay",
    "sorri",
    "bother",
    "trust",
    "find",
    "mail",
    "email",
    "excel",
    "love",
    "cordial",
];

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

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF)
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
pub fn prefix(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// English words that carry no topic (sorted, for binary search). Negations (`not`, `no`,
/// `never`, `cant`, `dont`, …) are kept: "works" and "doesn't work" are different problems.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "hello",
    "her",
    "here",
    "hers",
    "herself",
    "hey",
    "hi",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "id",
    "if",
    "im",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "ive",
    "just",
    "let",
    "lets",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "ought",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "please",
    "pls",
    "plz",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "thats",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "theres",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "us",
    "very",
    "was",
    "we",
    "were",
    "what",
    "whats",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "youre",
    "yours",
    "yourself",
    "yourselves",
];

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
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

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<String> {
        Normalizer::default().tokens(text)
    }

    #[test]
    fn stopwords_are_sorted() {
        assert!(STOPWORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn stems_placeholders_and_stop_words() {
        assert_eq!(
            toks("Why was I charged twice on November 3 for invoice INV-48213? Thanks"),
            ["charg", "twice", "<month>", "<num>", "invoic", "<id>"]
        );
        assert_eq!(
            toks("Mail J.Doe@Example.com about https://x.io/a?b=1 and trace 1efef8a2-8808-4329-87c4-753d2cc06422 or deadbeef42cafe"),
            ["mail", "<email>", "<url>", "trace", "<uuid>", "<hex>"]
        );
        // Paraphrases share their stems.
        assert_eq!(toks("My PIN is blocked"), ["pin", "block"]);
        assert_eq!(toks("my pin was blocking"), ["pin", "block"]);
        assert_eq!(toks("Wake me up at 5am"), ["wake", "<num>", "am"]);
        assert_eq!(toks("It doesn't work"), ["doesnt", "work"]);
    }

    #[test]
    fn mail_boilerplate_is_left_out() {
        let text = "Hi Maria,\nHope you are doing well.\nMy PIN is blocked, how do I unlock it?\n\nBest regards,\nJohn Smith\nAcme Corp | Phone: +1 415 555 0132\n\n> On Sat, Oct 31, Support wrote:\n> Did you try turning it off?";
        assert_eq!(toks(text), ["pin", "block", "unlock"]);
        let text = "On Sat, Oct 31, 2026 at 10:02 AM Support <help@x.io> wrote:\nplease cancel my order\nSent from my iPhone";
        assert_eq!(toks(text), ["cancel", "order"]);
        // "Thanks" that opens a message is not a sign-off.
        assert_eq!(
            toks("Thanks\nfor nothing, the alarm did not ring and I missed my train this morning again"),
            ["noth", "alarm", "not", "ring", "miss", "train", "morn"]
        );
    }

    #[test]
    fn all_boilerplate_keeps_the_text() {
        let n = Normalizer::default();
        let mut v = Vocabulary::default();
        let d = n.doc(Source::Prompt, "Thanks a lot!", &mut v);
        assert_eq!(d.tokens().len(), 2);
        assert_eq!(v.word(d.tokens()[0]), Some("thank"));
    }

    #[test]
    fn cjk_becomes_character_pairs() {
        assert_eq!(
            toks("回答が間違っています"),
            [
                "回答", "答が", "が間", "間違", "違っ", "って", "てい", "いま", "ます"
            ]
        );
    }

    #[test]
    fn segments_and_hashes() {
        let n = Normalizer::default();
        let mut v = Vocabulary::default();
        let d = n.doc(
            Source::Prompt,
            "The alarm did not ring. I missed my train.\nWhat now",
            &mut v,
        );
        let segs: Vec<&[u32]> = d.segments().collect();
        assert_eq!(segs.len(), 3);
        assert_eq!(segs[0].len(), 3);
        assert_ne!(segment_hash(segs[0]), segment_hash(segs[1]));
        let long = "word ".repeat(1000);
        let d = n.doc(Source::Prompt, &long, &mut v);
        assert_eq!(d.tokens().len(), MAX_TOKENS);
        assert_ne!(
            token_id(Source::Prompt, "alarm"),
            token_id(Source::Response, "alarm")
        );
    }

    #[test]
    fn long_text_is_cut_on_a_char_boundary() {
        let text = "é".repeat(10_000);
        assert_eq!(prefix(&text, 5), "éé");
        assert_eq!(toks(&text).len(), 1);
    }
}
