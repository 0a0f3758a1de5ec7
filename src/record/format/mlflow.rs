//! MLflow traces, after the MLflow Tracing data model ("Trace = TraceInfo + TraceData"): a trace
//! as `Trace.to_json()` writes it (`{"info": …, "data": {"spans": […]}}`) or single span
//! dictionaries (`Span.to_dict()`: `span_id`, `start_time_unix_nano`/`end_time_unix_nano`,
//! `status.code`, `attributes` whose values are JSON-encoded; or the MLflow 2 form with
//! `context`, `start_time`/`end_time` in nanoseconds and `status_code`). A span of type `LLM`,
//! `CHAT_MODEL` or `EMBEDDING` is one record, with `mlflow.chat.tokenUsage` and `mlflow.llm.cost`;
//! CHAIN, AGENT and TOOL spans wrap those calls (and `mlflow.trace.tokenUsage` sums them), so
//! they are not counted. A trace without a model-call span is one record from its info.

use super::value::{at, first, first_number, first_text, has_keys, parse_line, span_ms, time};
use super::{Field, LineError, PresetSpec};
use crate::record::json::{last_member, Kind, RawValue};
use crate::record::time::Micros;
use crate::record::{CostSource, Dim, ErrorInfo, JsonStr, Record};
use serde_json::Value;

pub static SPEC: PresetSpec = PresetSpec {
    paths: &[],
    extra: &[],
    score,
    fixup: None,
    many: Some(read),
};

/// Span types of a model call.
const MODEL_CALLS: &[&str] = &["LLM", "CHAT_MODEL", "EMBEDDING"];

fn score(v: &Value) -> u32 {
    if v.get("info").is_some_and(Value::is_object)
        && at(v, "data.spans").is_some_and(Value::is_array)
    {
        return 5 + has_keys(
            v,
            &["info.trace_id", "info.request_id", "info.request_time"],
        );
    }
    let mlflow_attrs = v
        .get("attributes")
        .and_then(Value::as_object)
        .is_some_and(|a| a.keys().any(|k| k.starts_with("mlflow.")));
    if mlflow_attrs && (v.get("start_time_unix_nano").is_some() || v.get("start_time").is_some()) {
        return 5;
    }
    0
}

fn read(
    line: &[u8],
    overrides: &[(Field, String)],
    sink: &mut dyn FnMut(&mut Record<'_>),
) -> Result<usize, LineError> {
    let doc = parse_line(line, "spans")?;
    let mut records = Vec::new();
    match at(&doc, "data.spans").and_then(Value::as_array) {
        Some(spans) => {
            for span in spans {
                if is_model_call(span) {
                    records.push(span_record(span)?);
                }
            }
            if records.is_empty() {
                if let Some(info) = doc.get("info") {
                    records.push(trace_record(info)?);
                }
            }
        }
        None if is_model_call(&doc) => records.push(span_record(&doc)?),
        None => {}
    }
    let n = records.len();
    for mut rec in records {
        super::value::apply_overrides(&mut rec, &doc, overrides)?;
        sink(&mut rec);
    }
    Ok(n)
}

/// A span attribute as text. MLflow stores every attribute JSON-encoded (`"\"CHAT_MODEL\""`);
/// a span exported through OTel may carry it plain.
fn attr<'v>(span: &'v Value, key: &str) -> Option<&'v str> {
    let raw = span.get("attributes")?.get(key)?.as_str()?;
    match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) if !inner.contains('\\') => Some(inner),
        Some(_) => None,
        None => Some(raw),
    }
    .filter(|s| !s.is_empty())
}

/// A JSON-object attribute (token usage, cost), decoded.
fn attr_object(span: &Value, key: &str) -> Option<Value> {
    let v = span.get("attributes")?.get(key)?;
    match v {
        Value::String(s) => serde_json::from_str::<Value>(s).ok(),
        other => Some(other.clone()),
    }
    .filter(Value::is_object)
}

/// The last member named `quoted_key` inside a JSON-text attribute (validated first).
fn member<'v>(span: &'v Value, key: &str, quoted_key: &str) -> Option<RawValue<'v>> {
    let text = span.get("attributes")?.get(key)?.as_str()?;
    serde_json::from_str::<serde::de::IgnoredAny>(text).ok()?;
    last_member(text, quoted_key)
}

/// A string member of a JSON-text attribute.
fn member_text<'v>(span: &'v Value, key: &str, quoted_key: &str) -> Option<JsonStr<'v>> {
    member(span, key, quoted_key)
        .filter(|v| v.kind == Kind::String && !v.text.is_empty())
        .map(|v| JsonStr::raw(v.text, v.escaped))
}

fn is_model_call(span: &Value) -> bool {
    attr(span, "mlflow.spanType").is_some_and(|t| MODEL_CALLS.contains(&t))
}

/// Nanosecond times of a span (`start_time_unix_nano`, or MLflow 2's `start_time`).
fn nanos(span: &Value, keys: &[&'static str]) -> Result<Option<i64>, LineError> {
    for key in keys {
        match span.get(*key) {
            None | Some(Value::Null) => continue,
            Some(v) => {
                return v
                    .as_i64()
                    .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
                    .map(Some)
                    .ok_or(LineError::WrongType(key))
            }
        }
    }
    Ok(None)
}

fn span_record(span: &Value) -> Result<Record<'_>, LineError> {
    let start = nanos(span, &["start_time_unix_nano", "start_time"])?;
    let end = nanos(span, &["end_time_unix_nano", "end_time"])?;
    let mut rec = Record {
        ts: start.map(Micros::from_nanos),
        latency_ms: match (start, end) {
            (Some(a), Some(b)) if b >= a => Some((b - a) as f64 / 1e6),
            _ => None,
        },
        ..Record::default()
    };
    rec.request_id = first_text(span, &["span_id", "context.span_id"]);
    rec.dims[Dim::Model as usize] = attr(span, "mlflow.llm.model")
        .or_else(|| attr(span, "gen_ai.request.model"))
        .or_else(|| attr(span, "gen_ai.response.model"))
        .map(JsonStr::plain)
        // MLflow 2 autologging: the model of the request inputs or the invocation parameters.
        .or_else(|| member_text(span, "mlflow.spanInputs", "\"model\""))
        .or_else(|| member_text(span, "invocation_params", "\"model_name\""))
        .or_else(|| member_text(span, "invocation_params", "\"model\""));
    rec.dims[Dim::Endpoint as usize] = attr(span, "mlflow.spanType").map(JsonStr::plain);
    if let Some(usage) = attr_object(span, "mlflow.chat.tokenUsage") {
        rec.tokens_in = super::value::count(usage.get("input_tokens"));
        rec.tokens_out = super::value::count(usage.get("output_tokens"));
    } else {
        // MLflow 2 autologging keeps the provider's response, usage and all, as the outputs.
        let out_count = |key: &str| {
            member(span, "mlflow.spanOutputs", key)
                .filter(|v| v.kind == Kind::Number)
                .and_then(|v| v.text.parse::<u64>().ok())
        };
        rec.tokens_in = out_count("\"prompt_tokens\"").or_else(|| out_count("\"input_tokens\""));
        rec.tokens_out =
            out_count("\"completion_tokens\"").or_else(|| out_count("\"output_tokens\""));
    }
    if let Some(cost) =
        attr_object(span, "mlflow.llm.cost").and_then(|c| super::value::number(c.get("total_cost")))
    {
        rec.cost_usd = cost;
        rec.cost_source = CostSource::Logged;
    }
    let code = first(span, &["status.code", "status_code"]).and_then(Value::as_str);
    let failed = matches!(code, Some("ERROR" | "STATUS_CODE_ERROR"));
    rec.status = Some(if failed { 500 } else { 200 });
    if failed {
        rec.error = Some(ErrorInfo {
            kind: None,
            message: first_text(
                span,
                &["status.message", "status.description", "status_message"],
            ),
        });
    }
    Ok(rec)
}

/// A trace with no model-call span: time, duration and state from its info (MLflow 3:
/// `request_time`, `execution_duration`, `state`; MLflow 2: `timestamp_ms`,
/// `execution_time_ms`, `status`), tokens from `mlflow.trace.tokenUsage`.
fn trace_record(info: &Value) -> Result<Record<'_>, LineError> {
    let ts = time(
        first(info, &["request_time", "timestamp_ms"]),
        "request_time",
    )?;
    let duration = match info.get("execution_duration") {
        // Protobuf JSON writes a duration as seconds with an `s` suffix.
        Some(Value::String(s)) => s
            .trim()
            .strip_suffix('s')
            .and_then(|x| x.parse::<f64>().ok())
            .map(|x| x * 1000.0),
        Some(v) => super::value::number(Some(v)),
        None => first_number(info, &["execution_time_ms"]),
    };
    let mut rec = Record {
        ts,
        latency_ms: duration.or_else(|| span_ms(None, None)),
        ..Record::default()
    };
    rec.request_id = first_text(info, &["trace_id", "request_id"]);
    let usage = first(info, &["trace_metadata", "request_metadata"])
        .and_then(|m| m.get("mlflow.trace.tokenUsage"))
        .and_then(Value::as_str)
        .and_then(|s| serde_json::from_str::<Value>(s).ok());
    if let Some(u) = usage {
        rec.tokens_in = super::value::count(u.get("input_tokens"));
        rec.tokens_out = super::value::count(u.get("output_tokens"));
    }
    let state = first(info, &["state", "status"]).and_then(Value::as_str);
    rec.status = match state {
        Some("OK") => Some(200),
        Some("ERROR") => Some(500),
        _ => None,
    };
    Ok(rec)
}

#[cfg(test)]
mod tests {
    use super::super::testing::Row;
    use super::super::FormatKind;

    fn rows(line: &str) -> Vec<Row> {
        super::super::testing::rows(FormatKind::Mlflow, line)
    }

    #[test]
    fn model_spans_of_a_trace() {
        let trace = r#"{"info":{"trace_id":"tr-1","request_time":"2026-11-23T14:00:00Z","execution_duration":"2.5s","state":"OK","trace_metadata":{"mlflow.trace.tokenUsage":"{\"input_tokens\": 30, \"output_tokens\": 12, \"total_tokens\": 42}"}},"data":{"spans":[{"trace_id":"tr-1","span_id":"AAAAAAAAAAE=","parent_span_id":null,"name":"agent","start_time_unix_nano":1795442400000000000,"end_time_unix_nano":1795442402500000000,"status":{"code":"OK","message":""},"attributes":{"mlflow.spanType":"\"AGENT\"","mlflow.traceRequestId":"\"tr-1\""}},{"trace_id":"tr-1","span_id":"AAAAAAAAAAI=","parent_span_id":"AAAAAAAAAAE=","name":"ChatOpenAI","start_time_unix_nano":1795442400500000000,"end_time_unix_nano":1795442401700000000,"status":{"code":"OK","message":""},"attributes":{"mlflow.spanType":"\"CHAT_MODEL\"","mlflow.llm.model":"\"gpt-4o-mini\"","mlflow.chat.tokenUsage":"{\"input_tokens\": 30, \"output_tokens\": 12, \"total_tokens\": 42}","mlflow.llm.cost":"{\"input_cost\": 0.0000045, \"output_cost\": 0.0000072, \"total_cost\": 0.0000117}"}}]}}"#;
        assert_eq!(
            rows(trace),
            vec![(
                "gpt-4o-mini".into(),
                Some(1_795_442_400_500_000),
                Some(200),
                Some(1200.0),
                Some(30),
                Some(12),
                0.0000117
            )]
        );
        let v2_error = r#"{"name":"llm","context":{"span_id":"0x1","trace_id":"0x2"},"parent_id":"0x0","start_time":1795442400000000000,"end_time":1795442400400000000,"status_code":"ERROR","status_message":"RateLimitError","attributes":{"mlflow.traceRequestId":"\"tr-2\"","mlflow.spanType":"\"LLM\""},"events":[]}"#;
        let r = rows(v2_error);
        assert_eq!((r[0].2, r[0].3), (Some(500), Some(400.0)));
        let v2_autolog = r#"{"name":"Completions","context":{"span_id":"0x3","trace_id":"0x2"},"parent_id":null,"start_time":1795442400000000000,"end_time":1795442400700000000,"status_code":"OK","status_message":"","attributes":{"mlflow.traceRequestId":"\"tr-4\"","mlflow.spanType":"\"CHAT_MODEL\"","mlflow.spanInputs":"{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"model\": \"gpt-4o-mini\", \"temperature\": 0}","mlflow.spanOutputs":"{\"id\": \"chatcmpl-1\", \"model\": \"gpt-4o-mini-2024-07-18\", \"usage\": {\"completion_tokens\": 9, \"prompt_tokens\": 8, \"total_tokens\": 17}}"},"events":[]}"#;
        assert_eq!(
            rows(v2_autolog),
            vec![(
                "gpt-4o-mini".into(),
                Some(1_795_442_400_000_000),
                Some(200),
                Some(700.0),
                Some(8),
                Some(9),
                0.0
            )]
        );
        let chain_only = r#"{"info":{"request_id":"tr-3","timestamp_ms":1795442400000,"execution_time_ms":900,"status":"ERROR"},"data":{"spans":[{"name":"chain","context":{"span_id":"0x1"},"start_time":1795442400000000000,"end_time":1795442400900000000,"status_code":"ERROR","attributes":{"mlflow.spanType":"\"CHAIN\""}}]}}"#;
        assert_eq!(
            rows(chain_only),
            vec![(
                String::new(),
                Some(1_795_442_400_000_000),
                Some(500),
                Some(900.0),
                None,
                None,
                0.0
            )]
        );
    }
}
