//! The `[prices]` table: USD per 1M input/output tokens per model, matched exactly, then by the
//! longest matching glob (`gpt-4o*`), used when a record carries no `cost_usd`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One model's list price.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    /// USD per 1M input tokens.
    pub input: f64,
    /// USD per 1M output tokens.
    pub output: f64,
}

/// Prices by model name or glob pattern.
#[derive(Debug, Clone, Default)]
pub struct PriceTable {
    exact: BTreeMap<String, Price>,
    /// (pattern, price), longest pattern first so the most specific glob wins.
    globs: Vec<(String, Price)>,
}

impl PriceTable {
    pub fn new(entries: &BTreeMap<String, Price>) -> PriceTable {
        let mut t = PriceTable::default();
        for (k, p) in entries {
            if k.contains(['*', '?']) {
                t.globs.push((k.clone(), *p));
            } else {
                t.exact.insert(k.clone(), *p);
            }
        }
        t.globs
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        t
    }

    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.globs.is_empty()
    }

    /// The price of `model`, if the table has one.
    pub fn lookup(&self, model: &str) -> Option<Price> {
        if let Some(p) = self.exact.get(model) {
            return Some(*p);
        }
        self.globs
            .iter()
            .find(|(pat, _)| glob_match(pat.as_bytes(), model.as_bytes()))
            .map(|(_, p)| *p)
    }

    /// The cost of a request, when the model is priced and a token count is known.
    pub fn cost(
        &self,
        model: &str,
        tokens_in: Option<u64>,
        tokens_out: Option<u64>,
    ) -> Option<f64> {
        if tokens_in.is_none() && tokens_out.is_none() {
            return None;
        }
        let p = self.lookup(model)?;
        Some(
            (tokens_in.unwrap_or(0) as f64 * p.input + tokens_out.unwrap_or(0) as f64 * p.output)
                / 1e6,
        )
    }
}

/// Shell-style matching of `*` (any run) and `?` (one byte).
pub fn glob_match(pat: &[u8], s: &[u8]) -> bool {
    let (mut p, mut i) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while i < s.len() {
        if p < pat.len() && (pat[p] == b'?' || pat[p] == s[i]) {
            p += 1;
            i += 1;
        } else if p < pat.len() && pat[p] == b'*' {
            star = Some(p);
            mark = i;
            p += 1;
        } else if let Some(sp) = star {
            p = sp + 1;
            mark += 1;
            i = mark;
        } else {
            return false;
        }
    }
    while p < pat.len() && pat[p] == b'*' {
        p += 1;
    }
    p == pat.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_specific_wins() {
        let mut m = BTreeMap::new();
        m.insert(
            "gpt-4o*".to_string(),
            Price {
                input: 2.5,
                output: 10.0,
            },
        );
        m.insert(
            "gpt-4o-mini*".to_string(),
            Price {
                input: 0.15,
                output: 0.6,
            },
        );
        m.insert(
            "exact".to_string(),
            Price {
                input: 1.0,
                output: 1.0,
            },
        );
        let t = PriceTable::new(&m);
        assert_eq!(t.lookup("gpt-4o-mini-2024-07-18").unwrap().input, 0.15);
        assert_eq!(t.lookup("gpt-4o-2024-08-06").unwrap().input, 2.5);
        assert_eq!(t.lookup("exact").unwrap().input, 1.0);
        assert!(t.lookup("claude").is_none());
        assert_eq!(t.cost("exact", Some(1_000_000), Some(2_000_000)), Some(3.0));
        assert_eq!(t.cost("exact", None, None), None);
    }

    #[test]
    fn default_prices_parse_and_resolve_common_ids() {
        let cfg = crate::config::Config::parse(crate::command::config::TEMPLATE, "template")
            .expect("the template parses");
        let t = PriceTable::new(&cfg.prices);
        let price = |m: &str| t.lookup(m).map(|p| (p.input, p.output));
        assert_eq!(price("gpt-4o-2024-08-06"), Some((2.5, 10.0)));
        assert_eq!(price("gpt-4o-mini-2024-07-18"), Some((0.15, 0.6)));
        assert_eq!(price("gpt-4.1-mini-2025-04-14"), Some((0.4, 1.6)));
        assert_eq!(price("o3-mini"), Some((1.1, 4.4)));
        assert_eq!(price("o3-2025-04-16"), Some((2.0, 8.0)));
        assert_eq!(price("claude-opus-4-1-20250805"), Some((15.0, 75.0)));
        assert_eq!(price("claude-opus-4-5-20251101"), Some((5.0, 25.0)));
        assert_eq!(
            price("us.anthropic.claude-sonnet-4-20250514-v1:0"),
            Some((3.0, 15.0))
        );
        assert_eq!(price("claude-3-5-haiku-20241022"), Some((0.8, 4.0)));
        assert_eq!(price("text-embedding-3-small"), Some((0.02, 0.0)));
        assert_eq!(
            price("meta-llama/llama-3.1-8b-instruct"),
            Some((0.05, 0.08))
        );
        assert_eq!(price("some-in-house-model"), None);
        // Every model `logwarden gen` writes is priced at the generator's own price.
        for (model, input, output) in crate::gen::model_prices() {
            assert_eq!(price(model), Some((input, output)), "{model}");
        }
    }

    #[test]
    fn partial_token_counts_and_unknown_models() {
        let mut m = BTreeMap::new();
        m.insert(
            "m*".to_string(),
            Price {
                input: 1.0,
                output: 2.0,
            },
        );
        let t = PriceTable::new(&m);
        // Only one side known: the other counts as 0 tokens.
        assert_eq!(t.cost("m1", Some(1_000_000), None), Some(1.0));
        assert_eq!(t.cost("m1", None, Some(500_000)), Some(1.0));
        assert_eq!(t.cost("m1", None, None), None);
        assert_eq!(t.cost("other", Some(10), Some(10)), None);
        assert!(PriceTable::default().is_empty());
    }

    #[test]
    fn globs() {
        assert!(glob_match(b"a*c", b"abbbc"));
        assert!(glob_match(b"*", b""));
        assert!(glob_match(b"a?c", b"abc"));
        assert!(!glob_match(b"a*d", b"abc"));
    }
}
