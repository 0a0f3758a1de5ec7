//! Langfuse exports, after the Langfuse public API reference: observations (`ObservationsView`:
//! `type`, `startTime`/`endTime`, `model`, `usageDetails`/`usage`, `costDetails`/
//! `calculatedTotalCost`, `level`, `statusMessage`), traces (`TraceWithFullDetails`:
//! `timestamp`, `latency` in seconds, `totalCost`, `observations`), API pages (`{"data": […],
//! "meta": …}`) and ingestion events (`{"id", "timestamp", "type": "generation-create", "body"}`,
//! alone or in a `{"batch": […]}`). Only GENERATION (and EMBEDDING) observations are records
//! when a trace or page holds them: span, agent and tool observations wrap those calls, and the
//! trace's `totalCost` sums them, so counting either would count the calls twice. A trace
//! without its observations is one record.

use super::value::{
    apply_overrides, at, first_count, first_number, first_text, has_keys, parse_line, set_cost,
    span_ms, text, time,
};
use super::{Field, LineError, PresetSpec};
use crate::record::{Dim, ErrorInfo, JsonStr, Record};
use serde_json::Value;

pub static SPEC: PresetSpec = PresetSpec {
    paths: &[],
    extra: &[],
    score,
    fixup: None,
    many: Some(read),
};

/// Observation types of Langfuse (the classic three and the agent-era ones).
const OBSERVATION_TYPES: &[&str] = &[
    "GENERATION",
    "SPAN",
    "EVENT",
    "AGENT",
    "TOOL",
    "CHAIN",
    "RETRIEVER",
    "EVALUATOR",
    "EMBEDDING",
    "GUARDRAIL",
];

/// The observation types that are a model call.
const MODEL_CALLS: &[&str] = &["GENERATION", "EMBEDDING"];

/// Ingestion event types whose body is a model-call observation.
const GENERATION_EVENTS: &[&str] = &["generation-create", "embedding-create"];

fn score(v: &Value) -> u32 {
    if let Some(items) = v.get("batch").and_then(Value::as_array) {
        return items.first().map_or(1, |e| score_event(e).max(1));
    }
    if let Some(items) = v.get("data").and_then(Value::as_array) {
        let inner = items.first().map_or(0, score_item);
        return if inner > 0 {
            inner + u32::from(v.get("meta").is_some())
        } else {
            0
        };
    }
    score_event(v).max(score_item(v))
}

fn score_event(v: &Value) -> u32 {
    let typed = v
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| t.ends_with("-create") || t.ends_with("-update") || t == "sdk-log");
    if typed && v.get("body").is_some_and(Value::is_object) && v.get("timestamp").is_some() {
        5
    } else {
        0
    }
}

/// An observation (a known `type` and a string `startTime`), or a trace (`id`, `timestamp` and
/// a trace-only key), or a `{"trace", "observations"}` pair.
fn score_item(v: &Value) -> u32 {
    if v.get("trace").is_some_and(Value::is_object)
        && v.get("observations").is_some_and(Value::is_array)
    {
        return 5;
    }
    let observation = v
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| OBSERVATION_TYPES.contains(&t))
        && v.get("startTime").is_some_and(Value::is_string);
    if observation {
        return 3 + has_keys(
            v,
            &[
                "traceId",
                "usageDetails",
                "costDetails",
                "calculatedTotalCost",
                "completionStartTime",
                "parentObservationId",
                "level",
                "modelParameters",
                "promptTokens",
            ],
        );
    }
    let trace_keys = has_keys(
        v,
        &[
            "observations",
            "htmlPath",
            "totalCost",
            "sessionId",
            "scores",
        ],
    );
    if v.get("id").is_some() && v.get("timestamp").is_some() && trace_keys > 0 {
        return 2 + trace_keys;
    }
    0
}

fn read(
    line: &[u8],
    overrides: &[(Field, String)],
    sink: &mut dyn FnMut(&mut Record<'_>),
) -> Result<usize, LineError> {
    let doc = parse_line(line, "observations")?;
    let mut records = Vec::new();
    if let Some(events) = doc.get("batch").and_then(Value::as_array) {
        for event in events {
            event_records(event, overrides, &mut records)?;
        }
    } else if let Some(items) = doc.get("data").and_then(Value::as_array) {
        for item in items {
            item_records(item, None, overrides, &mut records)?;
        }
    } else if score_event(&doc) > 0 {
        event_records(&doc, overrides, &mut records)?;
    } else {
        item_records(&doc, None, overrides, &mut records)?;
    }
    let n = records.len();
    for mut rec in records {
        sink(&mut rec);
    }
    Ok(n)
}

/// An ingestion event: a generation's create event is one record (its later update events
/// change the same observation and are not counted again).
fn event_records<'v>(
    event: &'v Value,
    overrides: &[(Field, String)],
    out: &mut Vec<Record<'v>>,
) -> Result<(), LineError> {
    let kind = event.get("type").and_then(Value::as_str).unwrap_or("");
    let Some(body) = event.get("body") else {
        return Ok(());
    };
    let generation = GENERATION_EVENTS.contains(&kind)
        || (kind == "observation-create"
            && body
                .get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| MODEL_CALLS.contains(&t)));
    if generation {
        let mut rec = observation(body, None)?;
        if rec.ts.is_none() {
            rec.ts = time(event.get("timestamp"), "timestamp")?;
        }
        apply_overrides(&mut rec, body, overrides)?;
        out.push(rec);
    }
    Ok(())
}

/// An observation, a trace (with or without its observations) or a `{"trace", "observations"}`
/// pair.
fn item_records<'v>(
    item: &'v Value,
    trace: Option<&'v Value>,
    overrides: &[(Field, String)],
    out: &mut Vec<Record<'v>>,
) -> Result<(), LineError> {
    if let (Some(t), Some(obs)) = (
        item.get("trace").filter(|t| t.is_object()),
        item.get("observations").and_then(Value::as_array),
    ) {
        return trace_records(t, obs, overrides, out);
    }
    let kind = item.get("type").and_then(Value::as_str);
    if kind.is_some_and(|t| OBSERVATION_TYPES.contains(&t)) && item.get("startTime").is_some() {
        if kind.is_some_and(|t| MODEL_CALLS.contains(&t)) {
            let mut rec = observation(item, trace)?;
            apply_overrides(&mut rec, item, overrides)?;
            out.push(rec);
        }
        return Ok(());
    }
    let obs = item.get("observations").and_then(Value::as_array);
    trace_records(item, obs.map_or(&[][..], |o| o.as_slice()), overrides, out)
}

/// A trace's model-call observations when it holds them as objects; else the trace itself.
fn trace_records<'v>(
    trace: &'v Value,
    observations: &'v [Value],
    overrides: &[(Field, String)],
    out: &mut Vec<Record<'v>>,
) -> Result<(), LineError> {
    if observations.iter().any(Value::is_object) {
        for o in observations {
            let call = o
                .get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| MODEL_CALLS.contains(&t));
            if call {
                let mut rec = observation(o, Some(trace))?;
                apply_overrides(&mut rec, o, overrides)?;
                out.push(rec);
            }
        }
        return Ok(());
    }
    let mut rec = Record {
        ts: time(trace.get("timestamp"), "timestamp")?,
        request_id: text(trace.get("id")),
        // Trace latency is in seconds.
        latency_ms: first_number(trace, &["latency"]).map(|s| s * 1000.0),
        status: Some(200),
        ..Record::default()
    };
    rec.dims[Dim::Version as usize] = first_text(trace, &["release", "version"]);
    rec.dims[Dim::Endpoint as usize] = text(trace.get("name"));
    rec.dims[Dim::UserId as usize] = text(trace.get("userId"));
    rec.prompt = text(trace.get("input"));
    rec.response = text(trace.get("output"));
    set_cost(&mut rec, first_number(trace, &["totalCost"]));
    apply_overrides(&mut rec, trace, overrides)?;
    out.push(rec);
    Ok(())
}

/// One model-call observation. Failure is `level: "ERROR"` (its `statusMessage` the message);
/// tokens from `usageDetails` (else the older `usage` and `promptTokens` forms); cost from
/// `costDetails.total` (else `calculatedTotalCost`, else `usage.totalCost`).
fn observation<'v>(o: &'v Value, trace: Option<&'v Value>) -> Result<Record<'v>, LineError> {
    let start = time(o.get("startTime"), "startTime")?;
    let end = time(o.get("endTime"), "endTime")?;
    let mut rec = Record {
        ts: start,
        request_id: text(o.get("id")),
        latency_ms: span_ms(start, end)
            .or_else(|| first_number(o, &["latency"]).map(|s| s * 1000.0)),
        tokens_in: first_count(
            o,
            &[
                "usageDetails.input",
                "usageDetails.prompt_tokens",
                "usageDetails.input_tokens",
                "usage.input",
                "usage.promptTokens",
                "promptTokens",
            ],
        ),
        tokens_out: first_count(
            o,
            &[
                "usageDetails.output",
                "usageDetails.completion_tokens",
                "usageDetails.output_tokens",
                "usage.output",
                "usage.completionTokens",
                "completionTokens",
            ],
        ),
        ..Record::default()
    };
    set_cost(
        &mut rec,
        first_number(
            o,
            &[
                "costDetails.total",
                "calculatedTotalCost",
                "usage.totalCost",
                "totalCost",
            ],
        ),
    );
    rec.dims[Dim::Model as usize] = text(o.get("model"));
    rec.dims[Dim::Endpoint as usize] = text(o.get("name"));
    rec.dims[Dim::Version as usize] = text(o.get("version"))
        .or_else(|| trace.and_then(|t| first_text(t, &["release", "version"])));
    rec.dims[Dim::UserId as usize] = trace.and_then(|t| text(t.get("userId")));
    rec.prompt = text(o.get("input"));
    rec.response = text(o.get("output"));
    let failed = at(o, "level").and_then(Value::as_str) == Some("ERROR");
    rec.status = Some(if failed { 500 } else { 200 });
    if failed {
        rec.error = Some(ErrorInfo {
            kind: Some(JsonStr::plain("ERROR")),
            message: text(o.get("statusMessage")),
        });
    }
    Ok(rec)
}

#[cfg(test)]
mod tests {
    use super::super::testing::Row;
    use super::super::FormatKind;

    fn rows(line: &str) -> Vec<Row> {
        super::super::testing::rows(FormatKind::Langfuse, line)
    }

    #[test]
    fn observations_count_generations_only() {
        let gen = r#"{"id":"o-1","traceId":"t-1","type":"GENERATION","name":"answer","startTime":"2026-11-23T14:00:00.000Z","endTime":"2026-11-23T14:00:01.500Z","model":"gpt-4o","usageDetails":{"input":100,"output":20,"total":120},"costDetails":{"input":0.00025,"output":0.0002,"total":0.00045},"level":"DEFAULT","statusMessage":null}"#;
        assert_eq!(
            rows(gen),
            vec![(
                "gpt-4o".into(),
                Some(1_795_442_400_000_000),
                Some(200),
                Some(1500.0),
                Some(100),
                Some(20),
                0.00045
            )]
        );
        let span = r#"{"id":"o-0","traceId":"t-1","type":"SPAN","name":"agent","startTime":"2026-11-23T14:00:00.000Z","endTime":"2026-11-23T14:00:03Z","level":"DEFAULT"}"#;
        assert!(rows(span).is_empty());
        let err = r#"{"type":"GENERATION","id":"o-2","startTime":"2026-11-23T14:00:00Z","model":"claude-3-5-haiku-20241022","usage":{"input":7,"output":0,"unit":"TOKENS","totalCost":0.0},"level":"ERROR","statusMessage":"429 rate limited"}"#;
        let r = rows(err);
        assert_eq!(r[0].2, Some(500));
        assert_eq!(r[0].4, Some(7));
    }

    #[test]
    fn traces_pages_and_events() {
        let full = r#"{"id":"t-1","timestamp":"2026-11-23T14:00:00Z","name":"qa","userId":"u-1","latency":3.2,"totalCost":0.002,"htmlPath":"/project/p/traces/t-1","observations":[{"id":"o-0","type":"AGENT","startTime":"2026-11-23T14:00:00Z"},{"id":"o-1","type":"GENERATION","startTime":"2026-11-23T14:00:00.5Z","endTime":"2026-11-23T14:00:01Z","model":"gpt-4o-mini","usageDetails":{"input":10,"output":5},"calculatedTotalCost":0.001},{"id":"o-2","type":"GENERATION","startTime":"2026-11-23T14:00:01Z","endTime":"2026-11-23T14:00:02Z","model":"gpt-4o-mini","usageDetails":{"input":12,"output":6},"calculatedTotalCost":0.001}],"scores":[]}"#;
        let r = rows(full);
        assert_eq!(r.len(), 2);
        assert_eq!(r.iter().map(|x| x.6).sum::<f64>(), 0.002);
        let bare = r#"{"id":"t-2","timestamp":"2026-11-23T14:00:00Z","name":"qa","latency":3.2,"totalCost":0.002,"observations":["o-1","o-2"]}"#;
        assert_eq!(
            rows(bare),
            vec![(
                String::new(),
                Some(1_795_442_400_000_000),
                Some(200),
                Some(3200.0),
                None,
                None,
                0.002
            )]
        );
        let page = format!(
            r#"{{"data":[{full}],"meta":{{"page":1,"limit":50,"totalItems":1,"totalPages":1}}}}"#
        );
        assert_eq!(rows(&page).len(), 2);
        let batch = r#"{"batch":[{"id":"e-1","timestamp":"2026-11-23T14:00:00Z","type":"trace-create","body":{"id":"t-3"}},{"id":"e-2","timestamp":"2026-11-23T14:00:00Z","type":"generation-create","body":{"id":"g-1","traceId":"t-3","startTime":"2026-11-23T14:00:00Z","endTime":"2026-11-23T14:00:00.250Z","model":"gpt-4o","usage":{"input":3,"output":4,"unit":"TOKENS"}}},{"id":"e-3","timestamp":"2026-11-23T14:00:01Z","type":"generation-update","body":{"id":"g-1","endTime":"2026-11-23T14:00:00.250Z"}}]}"#;
        assert_eq!(
            rows(batch),
            vec![(
                "gpt-4o".into(),
                Some(1_795_442_400_000_000),
                Some(200),
                Some(250.0),
                Some(3),
                Some(4),
                0.0
            )]
        );
    }
}
