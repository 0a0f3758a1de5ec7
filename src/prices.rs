//! The `[prices]` table: USD per 1M input/output tokens per model, matched exactly, then by the
//! longest matching glob (`gpt-4o*`), used when a record carries no `cost_usd`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The `[prices]` section `logwarden config init` writes: public list prices (USD per 1M
/// tokens, standard tier, no batch, cache or long-context rates) of common models, as editable
/// examples. Globs with a leading `*` also match provider-prefixed ids such as Bedrock's
/// `anthropic.claude-sonnet-4-20250514-v1:0` or OpenRouter's `anthropic/claude-3.5-haiku`.
pub const DEFAULT_PRICES_TOML: &str = r#"# USD per 1M tokens (input, output), used for requests whose log line has no cost_usd.
# Keys are exact model names or globs (* = any run, ? = one character); the longest
# matching glob wins, so "gpt-4o-mini*" beats "gpt-4o*".
# These are EXAMPLES: public list prices (standard tier, no batch, cached-input or
# long-context rates) as published by the providers in 2025. Check your provider's
# pricing page and your contract, edit, and add the models you use. A request that is
# neither logged with a cost nor priced here is reported as unpriced, never as free.
[prices]
# OpenAI
"gpt-5*" = { input = 1.25, output = 10.00 }
"gpt-5-mini*" = { input = 0.25, output = 2.00 }
"gpt-5-nano*" = { input = 0.05, output = 0.40 }
"gpt-5-pro*" = { input = 15.00, output = 120.00 }
"gpt-4.1*" = { input = 2.00, output = 8.00 }
"gpt-4.1-mini*" = { input = 0.40, output = 1.60 }
"gpt-4.1-nano*" = { input = 0.10, output = 0.40 }
"gpt-4o*" = { input = 2.50, output = 10.00 }
"gpt-4o-mini*" = { input = 0.15, output = 0.60 }
"o1*" = { input = 15.00, output = 60.00 }
"o1-mini*" = { input = 1.10, output = 4.40 }
"o3*" = { input = 2.00, output = 8.00 }
"o3-mini*" = { input = 1.10, output = 4.40 }
"o3-pro*" = { input = 20.00, output = 80.00 }
"o4-mini*" = { input = 1.10, output = 4.40 }
"text-embedding-3-small" = { input = 0.02, output = 0.00 }
"text-embedding-3-large" = { input = 0.13, output = 0.00 }
"text-embedding-ada-002" = { input = 0.10, output = 0.00 }
# Anthropic
"*claude-opus-4*" = { input = 15.00, output = 75.00 }
"*claude-opus-4-5*" = { input = 5.00, output = 25.00 }
"*claude-sonnet-4*" = { input = 3.00, output = 15.00 }
"*claude-3-7-sonnet*" = { input = 3.00, output = 15.00 }
"*claude-3-5-sonnet*" = { input = 3.00, output = 15.00 }
"*claude-haiku-4-5*" = { input = 1.00, output = 5.00 }
"*claude-3-5-haiku*" = { input = 0.80, output = 4.00 }
"*claude-3.5-haiku*" = { input = 0.80, output = 4.00 }
"*claude-haiku-3.5*" = { input = 0.80, output = 4.00 }
"*claude-3-haiku*" = { input = 0.25, output = 1.25 }
# Google (prompts up to 200k tokens)
"gemini-2.5-pro*" = { input = 1.25, output = 10.00 }
"gemini-2.5-flash*" = { input = 0.30, output = 2.50 }
"gemini-2.5-flash-lite*" = { input = 0.10, output = 0.40 }
"gemini-2.0-flash*" = { input = 0.10, output = 0.40 }
# Open-weight models: the price depends on the host (these are Groq's list prices).
"*llama-3.1-8b*" = { input = 0.05, output = 0.08 }
"*llama-3.1-70b*" = { input = 0.59, output = 0.79 }
"*llama-3.3-70b*" = { input = 0.59, output = 0.79 }
# Mistral
"mistral-large*" = { input = 2.00, output = 6.00 }
"mistral-small*" = { input = 0.10, output = 0.30 }
"#;

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
        let cfg = crate::config::Config::parse(DEFAULT_PRICES_TOML, "default prices")
            .expect("the default [prices] section parses");
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
