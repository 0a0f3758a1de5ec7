//! Builds one request record from the scenario and a per-record random stream: routing,
//! status, texts, planted PII and decoys, tokens, cost, latency, confidence and feedback.

use super::clock::TsStyle;
use super::decoy;
use super::people;
use super::phones;
use super::pii::{self, PiiKind};
use super::plant::{self, Field, Insert, Truth};
use super::rng::{mix64, Rng};
use super::scenario::{
    Scenario, Stage, EMBEDDING_MODEL, ENDPOINTS, MODELS, STREAM_RECORD, TENANTS,
};
use super::secrets;
use super::templates::{self as tpl, ErrorSpec, Template, TEMPLATES};
use super::text::{self, Task};
use super::GenFormat;

/// Everything needed to write one line, in either output format.
///
/// Fields mirror the JSON record; only those that differ from it are documented.
#[derive(Debug)]
pub(crate) struct Record {
    /// 0-based record index (the line number minus one).
    pub index: u64,
    pub ts_ms: i64,
    pub ts_style: TsStyle,
    /// Sub-millisecond digits used by the microsecond timestamp spelling.
    pub micros: u32,
    pub status: u16,
    pub latency_ms: f64,
    /// Number of decimals written for the latency (0 for an integer).
    pub latency_decimals: u32,
    /// Index into `MODELS`.
    pub model: usize,
    /// Index into the scenario's releases.
    pub release: usize,
    pub stage: Stage,
    pub endpoint: &'static str,
    /// Index into `TENANTS`.
    pub tenant: usize,
    /// User number within the tenant.
    pub user: u64,
    pub tokens_in: u64,
    pub tokens_out: u64,
    pub cost: Option<f64>,
    pub confidence: Option<f64>,
    pub feedback: Option<(i8, String)>,
    pub prompt: String,
    pub response: String,
    pub error: Option<ErrorSpec>,
    /// `(role, content)` pairs; the first is always the system prompt.
    pub messages: Vec<(&'static str, String)>,
    pub docs: u32,
    pub retrieval_empty: bool,
    pub client_ip: String,
    pub ua: &'static str,
    /// The refusing guardrail policy, if the request was refused.
    pub refused: Option<&'static str>,
    /// Random bits of `metadata.trace_id` (a UUID v4).
    pub trace: (u64, u64),
    pub temperature: f64,
    /// Values planted in this record.
    pub truth: Vec<Truth>,
}

fn pick_error(rng: &mut Rng, table: &[(ErrorSpec, f64)]) -> ErrorSpec {
    let w: Vec<f64> = table.iter().map(|e| e.1).collect();
    table[rng.weighted(&w)].0
}

fn ts_style(rng: &mut Rng) -> TsStyle {
    let r = rng.f64();
    if r < 0.95 {
        TsStyle::Millis
    } else if r < 0.967 {
        TsStyle::Offset(*rng.pick(&[120, 60, -300, -480, 330, 540, 0]))
    } else if r < 0.984 {
        TsStyle::EpochMillis
    } else if r < 0.992 {
        TsStyle::Seconds
    } else {
        TsStyle::Micros
    }
}

/// Builds record `index` of the scenario.
pub(crate) fn build(sc: &Scenario, index: u64) -> Record {
    let mut rng = Rng::derive(sc.seed, STREAM_RECORD, index);
    let mut people_rng = Rng::derive(sc.seed, people::STREAM_PEOPLE, index);
    let mut phones_rng = Rng::derive(sc.seed, phones::STREAM_PHONES, index);
    let offset_ms = sc.offset_ms(index, &mut rng);
    let t_days = offset_ms / 86_400_000.0;
    let day = (t_days as u32).min(sc.days - 1);
    let ts_style = ts_style(&mut rng);
    let micros = rng.below(1000) as u32;

    let tw: Vec<f64> = TENANTS.iter().map(|t| t.weight).collect();
    let tenant = rng.weighted(&tw);
    let ten = &TENANTS[tenant];
    // Squaring-style skew: a few power users send most of a tenant's requests.
    let user = ((ten.users as f64) * rng.f64().powf(2.2)) as u64;
    let ew: Vec<f64> = ENDPOINTS.iter().map(|e| e.1).collect();
    let mut endpoint = ENDPOINTS[rng.weighted(&ew)].0;
    if sc.format == GenFormat::OpenaiBatch && endpoint == "/v1/embeddings" {
        // Batch output here is chat completions only.
        endpoint = "/v1/chat";
    }
    let task = Task::of_endpoint(endpoint);
    let model = if task == Task::Embed {
        EMBEDDING_MODEL
    } else {
        rng.weighted(&ten.model_weights)
    };
    let (release, stage) = sc.release_at(t_days, &mut rng);
    let incident = sc.incident_at(offset_ms);

    let template = if matches!(task, Task::Chat | Task::Summarize) && rng.chance(0.04) {
        Some(rng.pick(TEMPLATES))
    } else {
        None
    };

    let error = match incident {
        Some(inc) if rng.chance(inc.fail_p) => Some(pick_error(&mut rng, tpl::SERVER_ERRORS)),
        Some(_) if rng.chance(0.03) => Some(pick_error(&mut rng, &tpl::CLIENT_ERRORS[4..])),
        Some(_) => None,
        None => {
            let r = rng.f64();
            if r < 0.0015 {
                Some(pick_error(&mut rng, tpl::SERVER_ERRORS))
            } else if r < 0.0065 {
                Some(pick_error(&mut rng, tpl::CLIENT_ERRORS))
            } else {
                None
            }
        }
    };
    let status = error.map_or(200, |e| e.0);
    let failed = error.is_some();

    let refused = match template.and_then(|t| t.refuse) {
        Some(policy) if !failed && rng.chance(0.8) => Some(policy),
        _ if !failed && task != Task::Embed && rng.chance(0.012) => {
            Some(*rng.pick(tpl::REFUSE_POLICIES))
        }
        _ => None,
    };
    let has_response = !failed && task != Task::Embed;
    let plan = plant::plan(
        &mut rng,
        sc.format,
        has_response,
        template.map_or(0.0, |t| t.email_p),
    );

    let mut prompt = String::with_capacity(1024);
    if let Some(t) = template {
        let p = *rng.pick(t.prompts);
        if rng.chance(0.5) {
            let opener = *rng.pick(&["Hi, ", "Hello, ", "Hey, ", "Quick one: ", ""]);
            prompt.push_str(opener);
        }
        text::fill(&mut rng, p, &mut prompt);
        let extra = rng.range(100, 500) as usize;
        let target = prompt.len() + if rng.chance(0.6) { extra } else { 0 };
        text::prompt(&mut rng, Task::Embed, target.max(100), &mut prompt);
    } else {
        let target = text::target_len(&mut rng, 450.0);
        text::prompt(&mut rng, task, target, &mut prompt);
    }
    let mut messages: Vec<(&'static str, String)> = Vec::with_capacity(3);
    let sys = tpl::SYSTEM_PROMPTS[tenant * 2 + rng.below(2) as usize];
    messages.push(("system", sys.to_string()));
    let wants_turn = plan.iter().any(|p| p.0 == Field::Message(1));
    if wants_turn || (task == Task::Chat && rng.chance(0.3)) {
        let mut u = String::new();
        let target = rng.range(60, 300) as usize;
        text::prompt(&mut rng, Task::Chat, target, &mut u);
        let mut a = String::new();
        let target = rng.range(80, 400) as usize;
        text::response(&mut rng, Task::Chat, target, &mut a);
        messages.push(("user", u));
        messages.push(("assistant", a));
    }

    let (docs, retrieval_empty) = if task == Task::Embed {
        (0, false)
    } else {
        let p_empty = template.map_or(0.02, |t| t.empty_retrieval);
        if rng.chance(p_empty) {
            (0, true)
        } else {
            (rng.range(1, 8) as u32, false)
        }
    };

    let mut response = String::with_capacity(1024);
    if !has_response {
        // Failed calls and embeddings carry no text answer.
    } else if refused.is_some() {
        response.push_str(rng.pick::<&str>(tpl::REFUSALS));
    } else if let Some(t) = template {
        let a = *rng.pick(t.answers);
        text::fill(&mut rng, a, &mut response);
        if rng.chance(0.5) {
            let target = response.len() + rng.range(50, 400) as usize;
            text::response(&mut rng, Task::Chat, target, &mut response);
        }
    } else {
        let target = text::target_len(&mut rng, 700.0);
        text::response(&mut rng, task, target, &mut response);
    }

    // Planted values and decoys, applied per field in one pass so none splits another.
    let mut truth: Vec<Truth> = Vec::with_capacity(plan.len());
    let mut client_ip = masked_ip(sc.seed, tenant, user);
    let mut comment_plan: Vec<PiiKind> = Vec::new();
    let decoys = if rng.chance(0.04) {
        1 + rng.below(2)
    } else {
        0
    };
    let decoy_field = match sc.format {
        GenFormat::OpenaiBatch if has_response => Field::BatchContent,
        // Batch lines of failed calls carry no text at all, so their decoys go nowhere.
        GenFormat::OpenaiBatch => Field::Prompt,
        GenFormat::Native if has_response && rng.chance(0.4) => Field::Response,
        GenFormat::Native => Field::Prompt,
    };
    // A provider secret or placeholder, from its own stream; the bytes it adds are left out
    // of the token counts, so records keep their tokens, cost and latency.
    let mut secret = secrets::plan(
        sc.seed,
        index,
        sc.format == GenFormat::OpenaiBatch,
        has_response,
    );
    let (mut secret_in, mut secret_out) = (0, 0);
    for field in [
        Field::Prompt,
        Field::Response,
        Field::Message(1),
        Field::BatchContent,
    ] {
        let target: &mut String = match field {
            Field::Prompt => &mut prompt,
            Field::Response | Field::BatchContent => &mut response,
            _ => match messages.get_mut(1) {
                Some(m) => &mut m.1,
                None => continue,
            },
        };
        let mut ins: Vec<Insert> = Vec::new();
        let mut edges = (false, false);
        for &(f, kind) in plan.iter().filter(|p| p.0 == field) {
            let value = pii::make(kind, &mut rng);
            ins.push(plant::place(&mut rng, target, kind, &value, &mut edges));
            truth.push(Truth {
                field: f,
                kind,
                value,
            });
        }
        let shape = (sc.format == GenFormat::OpenaiBatch, has_response);
        people::plant(&mut people_rng, field, shape, target, &mut ins, &mut truth);
        if let Some(p) = secret.take_if(|p| p.field == field) {
            let added = secrets::plant(p, target, &mut ins, &mut truth);
            if field == Field::Prompt {
                secret_in = added;
            } else {
                secret_out = added;
            }
        }
        phones::plant(&mut phones_rng, field, shape, target, &mut ins, &mut truth);
        if field == decoy_field {
            for _ in 0..decoys {
                let sentence = decoy::decoy(&mut rng);
                ins.push(plant::place_decoy(&mut rng, target, sentence));
            }
        }
        plant::apply(target, ins);
    }
    for &(f, kind) in &plan {
        match f {
            Field::ClientIp => {
                client_ip = pii::make(kind, &mut rng);
                truth.push(Truth {
                    field: f,
                    kind,
                    value: client_ip.clone(),
                });
            }
            Field::Comment => comment_plan.push(kind),
            _ => {}
        }
    }

    // Tokens and cost: roughly four bytes per token, plus retrieved context.
    let m = &MODELS[model];
    let msg_bytes: usize = messages.iter().map(|x| x.1.len()).sum();
    let mut tokens_in = ((prompt.len() - secret_in + msg_bytes) as f64 / 4.0
        * rng.uniform(0.9, 1.1)) as u64
        + u64::from(docs) * rng.range(180, 420)
        + 12;
    let tokens_out = if has_response {
        ((response.len() - secret_out) as f64 / 4.0 * rng.uniform(0.9, 1.1)) as u64 + 1
    } else {
        0
    };
    if let Some((sm, sd, factor)) = sc.spike {
        if sm == model && sd == day {
            tokens_in = (tokens_in as f64 * factor).round() as u64;
        }
    }
    let cost_value = tokens_in as f64 * m.in_price / 1e6 + tokens_out as f64 * m.out_price / 1e6;
    let cost = if rng.chance(0.03) {
        None
    } else {
        Some(cost_value)
    };

    // Failures return fast except timeouts; successes scale with answer length, release and
    // incidents on top of the model's log-normal.
    let latency_ms = match error {
        Some((429, ..)) => rng.uniform(3.0, 25.0),
        Some((s, ..)) if s < 500 => rng.uniform(8.0, 80.0),
        Some((504, ..)) => 30_000.0 + rng.uniform(0.0, 600.0),
        Some((503, ..)) => rng.uniform(5.0, 200.0),
        Some((502, ..)) => rng.lognormal(800.0, 0.5),
        Some(_) => rng.lognormal(300.0, 0.6),
        None => {
            let work = if task == Task::Embed {
                0.6 + tokens_in as f64 / 600.0
            } else {
                0.7 + 0.3 * tokens_out as f64 / 175.0
            };
            let mut l =
                rng.lognormal(m.median_ms, m.sigma) * work * sc.releases[release].latency_mult;
            if rng.chance(m.tail_p) {
                l *= rng.uniform(3.0, 8.0);
            }
            if incident.is_some() {
                l *= rng.uniform(2.0, 3.5);
            }
            l
        }
    }
    .max(1.0);
    let latency_decimals = if rng.chance(0.1) {
        rng.range(1, 3) as u32
    } else {
        0
    };
    let slow = !failed && latency_ms > 3.0 * m.median_ms;

    // Confidence, with the declining model drifting down over the last weeks.
    let decline = sc.decline(model, t_days);
    let confidence = if failed {
        None
    } else {
        let c = if template.is_some() && rng.chance(0.8) {
            rng.uniform(0.2, 0.55)
        } else if refused.is_some() {
            rng.uniform(0.3, 0.7)
        } else if retrieval_empty {
            rng.uniform(0.25, 0.6)
        } else if rng.chance(0.015) {
            rng.uniform(0.1, 0.5)
        } else {
            (m.conf_mean - 0.12 * decline + 0.07 * rng.normal()).clamp(0.6, 0.99)
        };
        Some((c * 1000.0).round() / 1000.0)
    };

    // Feedback: mostly positive, negative when confidence is low, the answer slow or wrong.
    let p_fb = if failed {
        0.05
    } else if template.is_some() {
        0.4
    } else {
        0.135
    };
    let mut feedback = if rng.chance(p_fb) || !comment_plan.is_empty() {
        Some(feedback_for(&mut rng, confidence, decline, slow, template))
    } else {
        None
    };
    if let Some((_, comment)) = feedback.as_mut() {
        let mut ins = Vec::new();
        let mut edges = (false, false);
        for kind in comment_plan {
            let value = pii::make(kind, &mut rng);
            ins.push(plant::place(&mut rng, comment, kind, &value, &mut edges));
            truth.push(Truth {
                field: Field::Comment,
                kind,
                value,
            });
        }
        plant::apply(comment, ins);
    }

    Record {
        index,
        ts_ms: sc.start_ms + offset_ms as i64,
        ts_style,
        micros,
        status,
        latency_ms,
        latency_decimals,
        model,
        release,
        stage,
        endpoint,
        tenant,
        user,
        tokens_in,
        tokens_out,
        cost,
        confidence,
        feedback,
        prompt,
        response,
        error,
        ua: tpl::USER_AGENTS[(mix64(sc.seed ^ ((tenant as u64) << 32) ^ user)
            % tpl::USER_AGENTS.len() as u64) as usize],
        messages,
        docs,
        retrieval_empty,
        client_ip,
        refused,
        trace: (rng.next_u64(), rng.next_u64()),
        temperature: *rng.pick(&[0.0, 0.2, 0.7, 0.7, 1.0]),
        truth,
    }
}

fn feedback_for(
    rng: &mut Rng,
    conf: Option<f64>,
    decline: f64,
    slow: bool,
    template: Option<&Template>,
) -> (i8, String) {
    let Some(c) = conf else {
        let rating = if rng.chance(0.8) { -1 } else { 0 };
        return (rating, rng.pick(tpl::ERRORED).to_string());
    };
    let mut p_neg: f64 = if c < 0.5 {
        0.55
    } else if c < 0.7 {
        0.18
    } else {
        0.05
    };
    if template.is_some() {
        p_neg = p_neg.max(0.7);
    }
    if slow {
        p_neg += 0.15;
    }
    p_neg = (p_neg * (1.0 + 1.5 * decline)).min(0.95);
    let r = rng.f64();
    if r < p_neg {
        let comment = match template {
            Some(t) if rng.chance(0.85) => *rng.pick(t.comments),
            _ if slow && rng.chance(0.6) => *rng.pick(tpl::SLOW),
            _ => *rng.pick(tpl::NEGATIVE),
        };
        (-1, comment.to_string())
    } else if r < p_neg + 0.12 {
        (0, rng.pick(tpl::NEUTRAL).to_string())
    } else {
        (1, rng.pick(tpl::POSITIVE).to_string())
    }
}

/// Returns a user's stable client address with the last octet masked, as the service logs it.
fn masked_ip(seed: u64, tenant: usize, user: u64) -> String {
    let h = mix64(seed ^ mix64(((tenant as u64) << 40) | user));
    let a = [23u64, 31, 45, 62, 81, 91, 109, 142, 151, 185, 203, 212][(h % 12) as usize];
    format!("{a}.{}.{}.xxx", (h >> 8) & 0xff, (h >> 16) & 0xff)
}
