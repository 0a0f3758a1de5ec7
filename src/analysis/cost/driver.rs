//! What drove a cost change: cost = requests × tokens per request × price per token, so the
//! change against a baseline splits exactly into three factors; the one that moved most in the
//! direction of the change is the driver, and it decides who owns the anomaly.

use super::baseline::median;
use super::stats::CostStats;
use crate::config::Owners;

/// A factor of the cost: cost = requests × tokens per request × price per token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Factor {
    /// More or fewer requests (traffic, retries, a runaway client).
    Requests,
    /// Longer or shorter prompts and answers (context stuffing, verbosity).
    TokensPerRequest,
    /// A different price per token (price change, input/output mix, a pricier route).
    PricePerToken,
    /// Cost per request, when the records carry no token counts to split it further.
    CostPerRequest,
}

impl Factor {
    /// The name written in `driver`.
    pub fn name(self) -> &'static str {
        match self {
            Factor::Requests => "requests",
            Factor::TokensPerRequest => "tokens_per_request",
            Factor::PricePerToken => "price_per_token",
            Factor::CostPerRequest => "cost_per_request",
        }
    }

    /// Who owns a change driven by this factor: token volume per request is the prompt and
    /// model behaviour (the model owner); request volume and price are traffic, retries,
    /// routing and provider contracts (the infra owner).
    pub fn owner(self, owners: &Owners) -> &str {
        match self {
            Factor::TokensPerRequest | Factor::CostPerRequest => &owners.model,
            Factor::Requests | Factor::PricePerToken => &owners.infra,
        }
    }
}

/// A bucket's cost against its baseline, split into factors (each now ÷ baseline median).
#[derive(Debug, Clone, PartialEq)]
pub struct Decomposition {
    pub requests: Option<f64>,
    pub tokens_per_request: Option<f64>,
    pub price_per_token: Option<f64>,
    pub cost_per_request: Option<f64>,
    /// Input and output tokens per request: (baseline median, now).
    pub tokens_in_per_request: (Option<f64>, Option<f64>),
    pub tokens_out_per_request: (Option<f64>, Option<f64>),
}

fn ratio(now: Option<f64>, base: Option<f64>) -> Option<f64> {
    match (now, base) {
        (Some(n), Some(b)) if b > 0.0 && n.is_finite() => Some(n / b),
        _ => None,
    }
}

fn per(num: f64, den: u64) -> Option<f64> {
    (den > 0).then(|| num / den as f64)
}

fn median_of(base: &[&CostStats], f: impl Fn(&CostStats) -> Option<f64>) -> Option<f64> {
    let mut v: Vec<f64> = base.iter().filter_map(|s| f(s)).collect();
    median(&mut v)
}

impl Decomposition {
    /// Splits `now` against the medians of `base`, factor by factor.
    pub fn of(now: &CostStats, base: &[&CostStats]) -> Decomposition {
        let requests = |s: &CostStats| Some(s.requests as f64);
        let tpr = |s: &CostStats| per(s.tokens() as f64, s.requests).filter(|&t| t > 0.0);
        let ppt = |s: &CostStats| per(s.cost_usd(), s.tokens());
        let cpr = |s: &CostStats| per(s.cost_usd(), s.requests);
        let tin = |s: &CostStats| per(s.tokens_in as f64, s.requests);
        let tout = |s: &CostStats| per(s.tokens_out as f64, s.requests);
        Decomposition {
            requests: ratio(requests(now), median_of(base, requests)),
            tokens_per_request: ratio(tpr(now), median_of(base, tpr)),
            price_per_token: ratio(ppt(now), median_of(base, ppt)),
            cost_per_request: ratio(cpr(now), median_of(base, cpr)),
            tokens_in_per_request: (median_of(base, tin), tin(now)),
            tokens_out_per_request: (median_of(base, tout), tout(now)),
        }
    }

    /// The factor that moved most in the direction of the change (`rising` for a spike).
    pub fn driver(&self, rising: bool) -> Factor {
        let mut cands: Vec<(Factor, f64)> = Vec::with_capacity(3);
        if let Some(r) = self.requests {
            cands.push((Factor::Requests, r));
        }
        match (self.tokens_per_request, self.price_per_token) {
            (Some(t), Some(p)) => {
                cands.push((Factor::TokensPerRequest, t));
                cands.push((Factor::PricePerToken, p));
            }
            // Without tokens, only requests and cost per request are separable.
            _ => cands.extend(self.cost_per_request.map(|c| (Factor::CostPerRequest, c))),
        }
        let sign = if rising { 1.0 } else { -1.0 };
        cands
            .into_iter()
            .map(|(f, v)| (f, sign * v.max(f64::MIN_POSITIVE).ln()))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map_or(Factor::Requests, |(f, _)| f)
    }

    /// The factors in words, e.g. `requests x1.01, tokens/request x3.02 (input 1531 -> 4593,
    /// output 197 -> 196), price/token x0.77`.
    pub fn describe(&self) -> String {
        let x = |v: Option<f64>| v.map_or_else(|| "n/a".to_string(), |v| format!("x{v:.2}"));
        let toks = |(b, n): (Option<f64>, Option<f64>)| match (b, n) {
            (Some(b), Some(n)) => format!("{b:.0} -> {n:.0}"),
            _ => "n/a".to_string(),
        };
        if self.tokens_per_request.is_some() && self.price_per_token.is_some() {
            format!(
                "requests {}, tokens/request {} (input {}, output {}), price/token {}",
                x(self.requests),
                x(self.tokens_per_request),
                toks(self.tokens_in_per_request),
                toks(self.tokens_out_per_request),
                x(self.price_per_token)
            )
        } else {
            format!(
                "requests {}, cost/request {} (no token counts to split it further)",
                x(self.requests),
                x(self.cost_per_request)
            )
        }
    }
}

/// USD for prose: two decimals, more for amounts below one dollar so they do not read as 0.
pub fn usd(x: f64) -> String {
    let a = x.abs();
    if a >= 1.0 || a == 0.0 {
        format!("{x:.2}")
    } else if a >= 0.01 {
        format!("{x:.4}")
    } else {
        format!("{x:.6}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::cost::stats::ExactSum;

    fn stats(requests: u64, tin: u64, tout: u64, cost: f64) -> CostStats {
        let mut c = ExactSum::default();
        c.add(cost);
        CostStats {
            requests,
            tokens_in: tin,
            tokens_out: tout,
            cost: c,
            ..CostStats::default()
        }
    }

    #[test]
    fn input_token_spike_is_driven_by_tokens_per_request() {
        let base = [
            stats(100, 150_000, 20_000, 0.575),
            stats(102, 153_000, 20_400, 0.5865),
            stats(98, 147_000, 19_600, 0.5635),
        ];
        let base: Vec<&CostStats> = base.iter().collect();
        // Input tokens ×4 on the same traffic: cost ×(4·0.375+0.2)/0.575.
        let now = stats(100, 600_000, 20_000, 1.7);
        let d = Decomposition::of(&now, &base);
        assert_eq!(d.driver(true), Factor::TokensPerRequest);
        assert!((d.requests.unwrap() - 1.0).abs() < 1e-12);
        assert!((d.tokens_per_request.unwrap() - 620.0 / 170.0).abs() < 1e-9);
        // The factors multiply back to the cost ratio (with the baseline medians).
        let product =
            d.requests.unwrap() * d.tokens_per_request.unwrap() * d.price_per_token.unwrap();
        assert!((product - 1.7 / 0.575).abs() < 1e-9);
        assert_eq!(d.tokens_in_per_request, (Some(1500.0), Some(6000.0)));
        assert!(
            d.describe().contains("input 1500 -> 6000"),
            "{}",
            d.describe()
        );
    }

    #[test]
    fn traffic_surge_and_price_change_and_drops() {
        let base = [stats(100, 10_000, 1_000, 1.0); 5];
        let base: Vec<&CostStats> = base.iter().collect();
        let surge = Decomposition::of(&stats(400, 40_000, 4_000, 4.0), &base);
        assert_eq!(surge.driver(true), Factor::Requests);
        let price = Decomposition::of(&stats(100, 10_000, 1_000, 3.0), &base);
        assert_eq!(price.driver(true), Factor::PricePerToken);
        let owners = Owners::default();
        assert_eq!(Factor::Requests.owner(&owners), "Platform");
        assert_eq!(Factor::TokensPerRequest.owner(&owners), "ML");
        // A drop picks the factor that fell most, even when another one rose a little.
        let drop = Decomposition::of(&stats(30, 3_300, 330, 0.33), &base);
        assert_eq!(drop.driver(false), Factor::Requests);
        // An empty bucket (no requests at all) is a request drop.
        let empty = Decomposition::of(&CostStats::EMPTY, &base);
        assert_eq!(empty.driver(false), Factor::Requests);
    }

    #[test]
    fn without_tokens_cost_per_request_stands_in() {
        let base = [stats(10, 0, 0, 1.0); 3];
        let base: Vec<&CostStats> = base.iter().collect();
        let d = Decomposition::of(&stats(10, 0, 0, 5.0), &base);
        assert_eq!(d.driver(true), Factor::CostPerRequest);
        assert!(
            d.describe().contains("cost/request x5.00"),
            "{}",
            d.describe()
        );
        assert_eq!(usd(0.0012346), "0.001235");
        assert_eq!(usd(12.345), "12.35");
    }
}
