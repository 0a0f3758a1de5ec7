//! The simulated world behind the logs: models and prices, tenants, release rollouts,
//! the traffic shape over time, incident windows and the slow quality drift.

use super::clock;
use super::rng::Rng;
use super::{GenConfig, GenFormat};
use std::io;

/// One model the service routes to, with its price and latency profile.
#[derive(Debug)]
pub(crate) struct Model {
    /// Name written in `model` of native records.
    pub name: &'static str,
    /// Dated name used in OpenAI Batch output.
    pub batch_name: &'static str,
    /// Price in USD per million input tokens.
    pub in_price: f64,
    /// Price in USD per million output tokens.
    pub out_price: f64,
    /// Median latency in milliseconds for a typical answer.
    pub median_ms: f64,
    /// Log-space standard deviation of latency; larger means a heavier tail.
    pub sigma: f64,
    /// Probability that a request lands in the extra-slow tail (3–8× the draw).
    pub tail_p: f64,
    /// Mean confidence of ordinary answers.
    pub conf_mean: f64,
}

/// Models in routing order; the last one serves only `/v1/embeddings`.
pub(crate) const MODELS: &[Model] = &[
    Model {
        name: "gpt-4o-mini",
        batch_name: "gpt-4o-mini-2024-07-18",
        in_price: 0.15,
        out_price: 0.60,
        median_ms: 650.0,
        sigma: 0.45,
        tail_p: 0.005,
        conf_mean: 0.86,
    },
    Model {
        name: "gpt-4o",
        batch_name: "gpt-4o-2024-08-06",
        in_price: 2.50,
        out_price: 10.00,
        median_ms: 1600.0,
        sigma: 0.55,
        tail_p: 0.01,
        conf_mean: 0.89,
    },
    Model {
        name: "claude-sonnet-4",
        batch_name: "gpt-4o-2024-08-06",
        in_price: 3.00,
        out_price: 15.00,
        median_ms: 2500.0,
        sigma: 0.75,
        tail_p: 0.03,
        conf_mean: 0.90,
    },
    Model {
        name: "claude-haiku-3.5",
        batch_name: "gpt-4o-mini-2024-07-18",
        in_price: 0.80,
        out_price: 4.00,
        median_ms: 900.0,
        sigma: 0.5,
        tail_p: 0.01,
        conf_mean: 0.85,
    },
    Model {
        name: "llama-3.1-8b-instruct",
        batch_name: "gpt-4o-mini-2024-07-18",
        in_price: 0.05,
        out_price: 0.08,
        median_ms: 300.0,
        sigma: 0.35,
        tail_p: 0.005,
        conf_mean: 0.80,
    },
    Model {
        name: "text-embedding-3-small",
        batch_name: "gpt-4o-mini-2024-07-18",
        in_price: 0.02,
        out_price: 0.0,
        median_ms: 90.0,
        sigma: 0.3,
        tail_p: 0.002,
        conf_mean: 0.95,
    },
];

/// Index of the embeddings model in [`MODELS`].
pub(crate) const EMBEDDING_MODEL: usize = 5;
/// Index of the model whose quality slowly declines (gpt-4o-mini).
pub(crate) const DECLINING_MODEL: usize = 0;

/// A customer of the service.
#[derive(Debug)]
pub(crate) struct Tenant {
    /// Tenant id written in `tenant`.
    pub name: &'static str,
    /// Prefix of this tenant's user ids.
    pub user_prefix: &'static str,
    /// Share of all traffic.
    pub weight: f64,
    /// Number of distinct users.
    pub users: u64,
    /// Preference over the five chat models of [`MODELS`].
    pub model_weights: [f64; 5],
}

/// Tenants with deliberately skewed traffic shares.
pub(crate) const TENANTS: &[Tenant] = &[
    Tenant {
        name: "acme-corp",
        user_prefix: "acme",
        weight: 0.46,
        users: 420,
        model_weights: [0.45, 0.20, 0.15, 0.10, 0.10],
    },
    Tenant {
        name: "globex",
        user_prefix: "glbx",
        weight: 0.24,
        users: 180,
        model_weights: [0.30, 0.10, 0.30, 0.20, 0.10],
    },
    Tenant {
        name: "initech",
        user_prefix: "init",
        weight: 0.15,
        users: 95,
        model_weights: [0.20, 0.40, 0.10, 0.10, 0.20],
    },
    Tenant {
        name: "umbrella-health",
        user_prefix: "umbr",
        weight: 0.10,
        users: 40,
        model_weights: [0.10, 0.10, 0.50, 0.30, 0.0],
    },
    Tenant {
        name: "hooli",
        user_prefix: "hool",
        weight: 0.05,
        users: 25,
        model_weights: [0.20, 0.20, 0.20, 0.20, 0.20],
    },
];

/// Endpoints and their share of traffic.
pub(crate) const ENDPOINTS: &[(&str, f64)] = &[
    ("/v1/chat", 0.68),
    ("/v1/summarize", 0.12),
    ("/v1/embeddings", 0.10),
    ("/v1/classify", 0.06),
    ("/v1/extract", 0.04),
];

/// Rollout stage of the release that served a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Dog-fooding on a sliver of traffic.
    Internal,
    /// Canary on a larger slice.
    Beta,
    /// Generally available.
    Full,
}

impl Stage {
    /// Returns the spelling used in records.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Stage::Internal => "internal",
            Stage::Beta => "beta",
            Stage::Full => "full",
        }
    }
}

/// A deployed release of the service.
#[derive(Debug)]
pub(crate) struct Release {
    /// Version string such as `2026.11.3`.
    pub name: String,
    /// Day offset (fractional, may be negative) at which it reached stage internal.
    pub intro: f64,
    /// Latency multiplier against the baseline.
    pub latency_mult: f64,
}

/// Days spent in internal before beta, and in internal plus beta before full.
const BETA_AFTER: f64 = 1.0;
const FULL_AFTER: f64 = 3.0;
/// Days over which a newly full release takes over from its predecessor.
const FADE_DAYS: f64 = 1.5;
/// Latency multiplier of the regressed release.
const REGRESSION: f64 = 1.6;

/// A window of elevated 5xx errors and latency.
#[derive(Debug)]
pub(crate) struct Incident {
    /// Day index of the incident.
    pub day: u32,
    /// Window start, in ms after the scenario start.
    pub start_ms: f64,
    /// Window end, in ms after the scenario start.
    pub end_ms: f64,
    /// Probability that a request inside the window fails with a 5xx.
    pub fail_p: f64,
}

/// Stream ids so each kind of decision draws from its own independent sequence.
pub(crate) const STREAM_RECORD: u64 = 1;
const STREAM_RELEASES: u64 = 2;
const STREAM_INCIDENTS: u64 = 3;
const STREAM_TRAFFIC: u64 = 4;

/// The resolved configuration plus every precomputed piece of the world.
#[derive(Debug)]
pub(crate) struct Scenario {
    /// Number of records to generate.
    pub records: u64,
    /// Seed of every random stream.
    pub seed: u64,
    /// Number of simulated days.
    pub days: u32,
    /// Epoch milliseconds of 00:00 on the first day.
    pub start_ms: i64,
    /// Output shape.
    pub format: GenFormat,
    /// Model index, day and input-token factor of the planted cost spike.
    pub spike: Option<(usize, u32, f64)>,
    /// Cumulative traffic weight at the end of each minute of the scenario.
    cdf: Vec<f64>,
    /// Releases in rollout order; the first one is already fully rolled out at the start.
    pub releases: Vec<Release>,
    /// Index in `releases` of the release with the latency regression.
    pub regressed: Option<usize>,
    /// Incident windows in day order.
    pub incidents: Vec<Incident>,
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg)
}

impl Scenario {
    /// Validates `cfg` and builds the world it describes.
    pub(crate) fn new(cfg: &GenConfig) -> io::Result<Self> {
        if cfg.days == 0 {
            return Err(invalid("gen: days must be at least 1".into()));
        }
        let spike = match &cfg.spike {
            None => None,
            Some(s) => {
                let Some(model) = MODELS.iter().position(|m| m.name == s.model) else {
                    let known: Vec<&str> = MODELS.iter().map(|m| m.name).collect();
                    return Err(invalid(format!(
                        "gen: unknown spike model {:?} (known: {})",
                        s.model,
                        known.join(", ")
                    )));
                };
                if s.day >= cfg.days {
                    return Err(invalid(format!(
                        "gen: spike day {} is outside 0..{}",
                        s.day, cfg.days
                    )));
                }
                if !(s.factor.is_finite() && s.factor > 0.0) {
                    return Err(invalid(format!(
                        "gen: spike factor {} must be positive",
                        s.factor
                    )));
                }
                Some((model, s.day, s.factor))
            }
        };
        let releases = build_releases(cfg);
        let regressed = pick_regressed(cfg, &releases);
        let mut releases = releases;
        if let Some(r) = regressed {
            releases[r].latency_mult = REGRESSION;
        }
        Ok(Scenario {
            records: cfg.records,
            seed: cfg.seed,
            days: cfg.days,
            start_ms: cfg.start.saturating_mul(1000),
            format: cfg.format,
            spike,
            cdf: traffic_cdf(cfg),
            releases,
            regressed,
            incidents: pick_incidents(cfg),
        })
    }

    /// Returns the offset in ms from the start for record `index`.
    ///
    /// Records are stratified over the traffic CDF, so timestamps rise with the index and
    /// the density follows the daily and weekly shape without any global coordination.
    pub(crate) fn offset_ms(&self, index: u64, rng: &mut Rng) -> f64 {
        let total = *self.cdf.last().unwrap_or(&1.0);
        let target = (index as f64 + rng.f64()) / self.records.max(1) as f64 * total;
        let m = self
            .cdf
            .partition_point(|&c| c <= target)
            .min(self.cdf.len() - 1);
        let prev = if m == 0 { 0.0 } else { self.cdf[m - 1] };
        let width = (self.cdf[m] - prev).max(f64::MIN_POSITIVE);
        let frac = ((target - prev) / width).clamp(0.0, 0.999_999);
        (m as f64 + frac) * 60_000.0
    }

    /// Picks the release serving a request at `t` days after the start, with its stage.
    pub(crate) fn release_at(&self, t: f64, rng: &mut Rng) -> (usize, Stage) {
        let full = self
            .releases
            .iter()
            .rposition(|r| r.intro + FULL_AFTER <= t)
            .unwrap_or(0);
        let p = ((t - self.releases[full].intro - FULL_AFTER) / FADE_DAYS).clamp(0.0, 1.0);
        let mut cands: [(usize, f64, Stage); 4] = [(full, p, Stage::Full); 4];
        let mut n = 1;
        if full > 0 && p < 1.0 {
            cands[n] = (full - 1, 1.0 - p, Stage::Full);
            n += 1;
        }
        for (i, r) in self.releases.iter().enumerate().skip(full + 1) {
            if r.intro <= t && n < cands.len() {
                let (w, stage) = if t < r.intro + BETA_AFTER {
                    (0.03, Stage::Internal)
                } else {
                    (0.15, Stage::Beta)
                };
                cands[n] = (i, w, stage);
                n += 1;
            }
        }
        let weights: Vec<f64> = cands[..n].iter().map(|c| c.1).collect();
        let c = cands[rng.weighted(&weights)];
        (c.0, c.2)
    }

    /// Returns the incident whose window contains `offset_ms`, if any.
    pub(crate) fn incident_at(&self, offset_ms: f64) -> Option<&Incident> {
        self.incidents
            .iter()
            .find(|i| offset_ms >= i.start_ms && offset_ms < i.end_ms)
    }

    /// Returns how far (0 to 1) the slow quality decline of `model` has progressed at day `t`.
    pub(crate) fn decline(&self, model: usize, t: f64) -> f64 {
        if model != DECLINING_MODEL {
            return 0.0;
        }
        // The drift covers the last 25 days (3–4 weeks), or the whole run if shorter.
        let span = f64::from(self.days.min(25));
        let begin = f64::from(self.days) - span;
        ((t - begin) / span).clamp(0.0, 1.0)
    }
}

fn traffic_cdf(cfg: &GenConfig) -> Vec<f64> {
    let mut rng = Rng::derive(cfg.seed, STREAM_TRAFFIC, 0);
    let day_noise: Vec<f64> = (0..cfg.days).map(|_| rng.uniform(0.93, 1.07)).collect();
    let minutes = cfg.days as usize * 1440;
    let mut cdf = Vec::with_capacity(minutes);
    let mut acc = 0.0;
    for m in 0..minutes {
        let abs_s = cfg.start + m as i64 * 60;
        let hour = abs_s.rem_euclid(86_400) as f64 / 3600.0;
        // Peak at 15:00 UTC, where European afternoons overlap American mornings.
        let dh = (hour - 15.0).abs();
        let dh = dh.min(24.0 - dh);
        let diurnal = 0.3 + 0.7 * (-(dh * dh) / (2.0 * 4.5 * 4.5)).exp();
        let weekend = if clock::weekday(abs_s.div_euclid(86_400)) >= 5 {
            0.45
        } else {
            1.0
        };
        let day = m / 1440;
        let growth = 1.0 + 0.005 * day as f64;
        acc += diurnal * weekend * growth * day_noise[day];
        cdf.push(acc);
    }
    cdf
}

fn build_releases(cfg: &GenConfig) -> Vec<Release> {
    let mut rng = Rng::derive(cfg.seed, STREAM_RELEASES, 0);
    let mut intros = vec![-8.0 - rng.uniform(0.0, 4.0)];
    for k in 0.. {
        // Weekly cadence, shipped Tuesday to Thursday mornings when the start is a Monday.
        let t = 7.0 * f64::from(k) + 1.35 + rng.uniform(0.0, 2.0);
        if t >= f64::from(cfg.days) - 0.5 {
            break;
        }
        intros.push(t);
    }
    let start_day = cfg.start.div_euclid(86_400);
    let first_serial = 1 + rng.below(3) as u32;
    let mut last_month = None;
    let mut serial = 0;
    intros
        .into_iter()
        .map(|intro| {
            let (y, m, _) = clock::civil_from_days(start_day + intro.floor() as i64);
            serial = match last_month {
                None => first_serial,
                Some(prev) if prev == (y, m) => serial + 1,
                Some(_) => 1,
            };
            last_month = Some((y, m));
            Release {
                name: format!("{y}.{m}.{serial}"),
                intro,
                latency_mult: rng.uniform(0.97, 1.03),
            }
        })
        .collect()
}

fn pick_regressed(cfg: &GenConfig, releases: &[Release]) -> Option<usize> {
    // Only a release that is fully rolled out for at least two days gives a clear signal.
    let limit = f64::from(cfg.days) - 2.0 - FULL_AFTER - FADE_DAYS;
    let cands: Vec<usize> = (1..releases.len())
        .filter(|&i| releases[i].intro <= limit)
        .collect();
    if cands.is_empty() {
        return None;
    }
    let mut rng = Rng::derive(cfg.seed, STREAM_RELEASES, 1);
    Some(*rng.pick(&cands))
}

fn pick_incidents(cfg: &GenConfig) -> Vec<Incident> {
    if cfg.days <= 7 {
        return Vec::new();
    }
    let mut rng = Rng::derive(cfg.seed, STREAM_INCIDENTS, 0);
    let want = (cfg.days / 14).max(1) as usize;
    let mut days: Vec<u32> = Vec::new();
    for _ in 0..1000 {
        if days.len() == want {
            break;
        }
        let d = 7 + rng.below(u64::from(cfg.days - 7)) as u32;
        // Keep incidents apart so each one is its own story in a weekly review.
        if days.iter().all(|&x| x.abs_diff(d) >= 2) {
            days.push(d);
        }
    }
    days.sort_unstable();
    days.into_iter()
        .map(|day| {
            let start_h = rng.uniform(9.0, 16.0);
            let dur_h = rng.uniform(2.5, 4.5);
            let day_ms = f64::from(day) * 86_400_000.0;
            Incident {
                day,
                start_ms: day_ms + start_h * 3_600_000.0,
                end_ms: day_ms + ((start_h + dur_h).min(23.99)) * 3_600_000.0,
                fail_p: rng.uniform(0.35, 0.5),
            }
        })
        .collect()
}
