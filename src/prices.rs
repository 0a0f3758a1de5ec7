//! The `[prices]` table: USD per 1M input/output tokens per model, matched exactly, then by the
//! longest matching glob (`gpt-4o*`), used when a record carries no `cost_usd`. The globs are
//! indexed by their literal prefix (the text before the first `*` or `?`), so a lookup tests
//! only the globs whose prefix starts the model name: 20,000 globs cost about what a few do.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

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
    /// (pattern, price), longest pattern first (ties by pattern), so the most specific glob is
    /// the matching one with the lowest index.
    globs: Vec<(String, Price)>,
    /// Indices into `globs` by literal prefix, each list ascending.
    by_prefix: HashMap<String, Vec<usize>>,
}

/// True when a `[prices]` key is a glob pattern rather than a model name.
pub fn is_pattern(key: &str) -> bool {
    key.contains(['*', '?'])
}

/// Checks a `[prices]` table: non-negative finite prices, keys that are valid model globs.
pub fn validate_prices(entries: &BTreeMap<String, Price>) -> Result<(), crate::config::Invalid> {
    use crate::config::Invalid;
    for (model, p) in entries {
        for (side, v) in [("input", p.input), ("output", p.output)] {
            if !(v >= 0.0 && v.is_finite()) {
                return Err(Invalid::at(
                    side,
                    format!("[prices] `{model}`: prices must be non-negative numbers"),
                )
                .in_key(model));
            }
        }
        if let Err(why) = check_pattern(model) {
            return Err(Invalid::at(
                model,
                format!("[prices] `{model}` is not a valid model glob: {why}"),
            ));
        }
    }
    Ok(())
}

/// Checks a `[prices]` key: `*` (any run) and `?` (one character) are its only wildcards, so
/// brackets and braces, which other glob dialects read as classes and alternatives, are
/// rejected rather than matched literally by surprise. `Err` says why.
pub fn check_pattern(key: &str) -> Result<(), String> {
    match key.chars().find(|c| matches!(c, '[' | ']' | '{' | '}')) {
        Some(c) => Err(format!(
            "`{c}` is not supported: a model glob has only `*` (any run of characters) and `?` (one character)"
        )),
        None => Ok(()),
    }
}

/// The literal text of a glob before its first wildcard.
fn literal_prefix(pattern: &str) -> &str {
    &pattern[..pattern.find(['*', '?']).unwrap_or(pattern.len())]
}

impl PriceTable {
    pub fn new(entries: &BTreeMap<String, Price>) -> PriceTable {
        let mut t = PriceTable::default();
        for (k, p) in entries {
            if is_pattern(k) {
                t.globs.push((k.clone(), *p));
            } else {
                t.exact.insert(k.clone(), *p);
            }
        }
        t.globs
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        for (i, (pattern, _)) in t.globs.iter().enumerate() {
            t.by_prefix
                .entry(literal_prefix(pattern).to_string())
                .or_default()
                .push(i);
        }
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
        if self.globs.is_empty() {
            return None;
        }
        // Every prefix of the model that is some glob's literal prefix, then the globs there.
        let mut best: Option<usize> = None;
        let ends = model
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(model.len()));
        for end in ends {
            let Some(list) = self.by_prefix.get(&model[..end]) else {
                continue;
            };
            let hit = list.iter().copied().find(|&i| {
                best.is_none_or(|b| i < b)
                    && glob_match(self.globs[i].0.as_bytes(), model.as_bytes())
            });
            if hit.is_some() {
                best = hit;
            }
        }
        best.map(|i| self.globs[i].1)
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
        let table = |pats: &[&str]| {
            let m: BTreeMap<String, Price> = pats
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    (
                        p.to_string(),
                        Price {
                            input: i as f64,
                            output: 0.0,
                        },
                    )
                })
                .collect();
            PriceTable::new(&m)
        };
        let t = table(&["a*c", "x?z", "*", "meta-llama/*", "a*"]);
        let input = |m: &str| t.lookup(m).map(|p| p.input);
        assert_eq!(input("abbbc"), Some(0.0));
        assert_eq!(input("xyz"), Some(1.0));
        assert_eq!(input(""), Some(2.0));
        assert_eq!(input("meta-llama/llama-3.1-8b"), Some(3.0));
        assert_eq!(input("ab"), Some(4.0), "the longer `a*c` does not match");
        assert!(glob_match(b"a?c", b"abc") && !glob_match(b"a*d", b"abc"));
        assert!(check_pattern("gpt-4o[*").is_err());
        assert!(check_pattern("gpt-4o*").is_ok());
        assert!(check_pattern("plain-model").is_ok());
    }

    #[test]
    fn twenty_thousand_globs_match_like_one_by_one() {
        let m: BTreeMap<String, Price> = (0..20_000)
            .map(|i| {
                (
                    format!("model-{i}-*"),
                    Price {
                        input: f64::from(i),
                        output: 1.0,
                    },
                )
            })
            .collect();
        let t = PriceTable::new(&m);
        for i in [0, 7, 1234, 19_999] {
            assert_eq!(
                t.lookup(&format!("model-{i}-2026")).map(|p| p.input),
                Some(f64::from(i))
            );
        }
        assert!(t.lookup("model-x").is_none());
    }
}
