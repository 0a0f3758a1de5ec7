//! OpenTelemetry GenAI spans, after the OTel GenAI semantic conventions (`gen_ai.operation.name`,
//! `gen_ai.request.model`, `gen_ai.usage.input_tokens`/`output_tokens`, `error.type`) in the
//! shapes people save them: OTLP/JSON as the OTLP file exporter writes it (`{"resourceSpans":…}`
//! per line, or one ResourceSpans element without the wrapper, or a bare span), the Python SDK's
//! `ConsoleSpanExporter` (`Span.to_json()`: `context`, ISO `start_time`/`end_time`, plain
//! `attributes`), and the Jaeger query API's JSON (`{"data":[trace…]}` with `spans`, `tags`
//! arrays, microsecond `startTime`/`duration`, `processes`). Every span that made a model call
//! is one record; agent, tool and workflow spans (which aggregate their children's usage) are
//! not, so nothing is counted twice.

use super::convert::error_class_status;
use super::value::parse_line;
use super::{Field, LineError, PresetSpec};
use crate::record::time::{parse_rfc3339, Micros};
use crate::record::{CostSource, Dim, ErrorInfo, JsonStr, Record};
use serde_json::Value;

pub static SPEC: PresetSpec = PresetSpec {
    paths: &[],
    extra: &[],
    score,
    fixup: None,
    many: Some(read),
};

/// OTLP `Status.code` of a failed span (`STATUS_CODE_ERROR`).
const STATUS_CODE_ERROR: i64 = 2;

/// `gen_ai.operation.name` values of a model call (the GenAI spans convention); any other
/// operation (`invoke_agent`, `create_agent`, `execute_tool`) wraps calls and is no record.
const MODEL_CALL_OPERATIONS: &[&str] =
    &["chat", "text_completion", "generate_content", "embeddings"];

/// Span kinds of other instrumentations that mark a parent rather than a call: OpenLLMetry's
/// `traceloop.span.kind` and OpenInference's `openinference.span.kind`.
const PARENT_KINDS: &[&str] = &[
    "workflow",
    "task",
    "agent",
    "tool",
    "chain",
    "retriever",
    "reranker",
    "guardrail",
];

/// Recognises each shape by its required keys: a `resourceSpans` array (5), a ResourceSpans
/// element (4), a console span (4), a Jaeger response or trace (4), a bare OTLP span (3).
fn score(v: &Value) -> u32 {
    let arr = |k: &str| v.get(k).is_some_and(Value::is_array);
    if arr("resourceSpans") {
        return 5;
    }
    if arr("scopeSpans") || arr("instrumentationLibrarySpans") {
        return 4;
    }
    if v.get("context").is_some_and(|c| c.get("span_id").is_some())
        && v.get("start_time").is_some_and(Value::is_string)
        && !is_mlflow(v)
    {
        return 4;
    }
    if v.get("data")
        .and_then(Value::as_array)
        .and_then(|d| d.first())
        .is_some_and(|t| t.get("spans").is_some_and(Value::is_array) && t.get("traceID").is_some())
    {
        return 4;
    }
    if v.get("traceID").is_some() && (arr("spans") || v.get("spanID").is_some()) {
        return 4;
    }
    if v.get("spanId").is_some() && v.get("startTimeUnixNano").is_some() && arr("attributes") {
        return 3;
    }
    0
}

/// MLflow's span dictionaries look like console spans; its own attributes tell them apart.
fn is_mlflow(v: &Value) -> bool {
    v.get("attributes")
        .and_then(Value::as_object)
        .is_some_and(|a| a.keys().any(|k| k.starts_with("mlflow.")))
}

/// One span of any of the shapes, with its attributes made plain (`key` → JSON value).
struct SpanView<'v> {
    id: Option<&'v str>,
    start_ns: Option<i64>,
    end_ns: Option<i64>,
    failed: bool,
    message: Option<&'v str>,
    attrs: Attributes<'v>,
    resource: std::rc::Rc<Attributes<'v>>,
}

/// Reads every model-call span of one line. Nothing goes to `sink` unless the whole line
/// converts, so a line is either used or skipped, never half counted.
fn read(
    line: &[u8],
    overrides: &[(Field, String)],
    sink: &mut dyn FnMut(&mut Record<'_>),
) -> Result<usize, LineError> {
    let doc = parse_line(line, "resourceSpans")?;
    let mut spans = Vec::new();
    collect(&doc, &mut spans)?;
    let mut records = Vec::new();
    for span in &spans {
        if span.attrs.is_model_call() {
            records.push(span_record(span, overrides)?);
        }
    }
    let count = records.len();
    for mut rec in records {
        sink(&mut rec);
    }
    Ok(count)
}

/// The spans of a document, whichever of the shapes it has.
fn collect<'v>(doc: &'v Value, out: &mut Vec<SpanView<'v>>) -> Result<(), LineError> {
    if doc.get("resourceSpans").is_some() {
        for rs in array(doc, "resourceSpans")? {
            otlp_resource_spans(rs, out)?;
        }
    } else if doc.get("scopeSpans").is_some() || doc.get("instrumentationLibrarySpans").is_some() {
        otlp_resource_spans(doc, out)?;
    } else if doc.get("spanId").is_some() && doc.get("startTimeUnixNano").is_some() {
        let resource = std::rc::Rc::new(Attributes::default());
        out.push(otlp_span(doc, resource)?);
    } else if doc.get("context").is_some() && doc.get("start_time").is_some() {
        out.push(console_span(doc)?);
    } else if doc.get("data").is_some_and(Value::is_array) {
        for trace in array(doc, "data")? {
            jaeger_trace(trace, out)?;
        }
    } else if doc.get("spans").is_some() {
        jaeger_trace(doc, out)?;
    } else if doc.get("spanID").is_some() {
        out.push(jaeger_span(doc, None)?);
    }
    Ok(())
}

fn otlp_resource_spans<'v>(rs: &'v Value, out: &mut Vec<SpanView<'v>>) -> Result<(), LineError> {
    let resource = std::rc::Rc::new(Attributes::otlp(rs.get("resource"))?);
    // `instrumentationLibrarySpans` is the name older exporters used for `scopeSpans`.
    let scopes = array(rs, "scopeSpans")?
        .iter()
        .chain(array(rs, "instrumentationLibrarySpans")?);
    for scope in scopes {
        for span in array(scope, "spans")? {
            out.push(otlp_span(span, resource.clone())?);
        }
    }
    Ok(())
}

fn otlp_span<'v>(
    span: &'v Value,
    resource: std::rc::Rc<Attributes<'v>>,
) -> Result<SpanView<'v>, LineError> {
    let status = span.get("status");
    let failed = match status.and_then(|s| s.get("code")) {
        Some(Value::Number(n)) => n.as_i64() == Some(STATUS_CODE_ERROR),
        Some(Value::String(s)) => s == "STATUS_CODE_ERROR" || s == "ERROR",
        _ => false,
    };
    Ok(SpanView {
        id: span.get("spanId").and_then(Value::as_str),
        start_ns: unix_nanos(span, "startTimeUnixNano")?,
        end_ns: unix_nanos(span, "endTimeUnixNano")?,
        failed,
        message: status
            .and_then(|s| s.get("message"))
            .and_then(Value::as_str),
        attrs: Attributes::otlp(Some(span))?,
        resource,
    })
}

/// `ConsoleSpanExporter` output: `status.status_code` is `UNSET`, `OK` or `ERROR`.
fn console_span(span: &Value) -> Result<SpanView<'_>, LineError> {
    let iso = |key: &'static str| -> Result<Option<i64>, LineError> {
        match span.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => parse_rfc3339(s)
                .map(|t| Some(t.nanos()))
                .ok_or(LineError::WrongType(key)),
            Some(_) => Err(LineError::WrongType(key)),
        }
    };
    let status = span.get("status");
    Ok(SpanView {
        id: span
            .get("context")
            .and_then(|c| c.get("span_id"))
            .and_then(Value::as_str),
        start_ns: iso("start_time")?,
        end_ns: iso("end_time")?,
        failed: status
            .and_then(|s| s.get("status_code"))
            .and_then(Value::as_str)
            == Some("ERROR"),
        message: status
            .and_then(|s| s.get("description"))
            .and_then(Value::as_str),
        attrs: Attributes::plain(span.get("attributes")),
        resource: std::rc::Rc::new(Attributes::plain(
            span.get("resource").and_then(|r| r.get("attributes")),
        )),
    })
}

fn jaeger_trace<'v>(trace: &'v Value, out: &mut Vec<SpanView<'v>>) -> Result<(), LineError> {
    let processes = trace.get("processes");
    for span in array(trace, "spans")? {
        let process = span
            .get("processID")
            .and_then(Value::as_str)
            .and_then(|id| processes.and_then(|p| p.get(id)))
            .or_else(|| span.get("process"));
        out.push(jaeger_span(span, process)?);
    }
    Ok(())
}

/// A Jaeger span: microsecond `startTime` and `duration`; failure from the `error` tag or the
/// `otel.status_code` tag the OTel-to-Jaeger mapping writes.
fn jaeger_span<'v>(span: &'v Value, process: Option<&'v Value>) -> Result<SpanView<'v>, LineError> {
    let micros = |key: &'static str| -> Result<Option<i64>, LineError> {
        match span.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_i64()
                .or_else(|| v.as_f64().map(|x| x as i64))
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
                .map(Some)
                .ok_or(LineError::WrongType(key)),
        }
    };
    let start = micros("startTime")?;
    let duration = micros("duration")?;
    let attrs = Attributes::tags(span.get("tags"));
    let failed = attrs
        .get("error")
        .is_some_and(|v| v == &Value::Bool(true) || v == "true")
        || attrs.get("otel.status_code").and_then(Value::as_str) == Some("ERROR");
    let message = attrs.get("otel.status_description").and_then(Value::as_str);
    let mut resource = Attributes::tags(process.and_then(|p| p.get("tags")));
    if let Some(name) = process.and_then(|p| p.get("serviceName")) {
        resource.pairs.push(("service.name", name));
    }
    Ok(SpanView {
        id: span.get("spanID").and_then(Value::as_str),
        start_ns: start.map(|us| us.saturating_mul(1000)),
        end_ns: start
            .zip(duration)
            .map(|(s, d)| s.saturating_add(d).saturating_mul(1000)),
        failed,
        message,
        attrs,
        resource: std::rc::Rc::new(resource),
    })
}

/// The array at `key` of an object; absent or null is empty, anything else is a wrong type.
fn array<'v>(parent: &'v Value, key: &'static str) -> Result<&'v [Value], LineError> {
    match parent.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(LineError::WrongType(key)),
    }
}

/// The attributes of a span or resource, as plain JSON values by key.
#[derive(Default)]
struct Attributes<'v> {
    pairs: Vec<(&'v str, &'v Value)>,
}

impl<'v> Attributes<'v> {
    /// OTLP `KeyValue`s, `{"key": …, "value": AnyValue}`; the AnyValue is unwrapped.
    fn otlp(owner: Option<&'v Value>) -> Result<Self, LineError> {
        let mut pairs = Vec::new();
        if let Some(owner) = owner {
            for kv in array(owner, "attributes")? {
                if let (Some(key), Some(value)) =
                    (kv.get("key").and_then(Value::as_str), kv.get("value"))
                {
                    let plain = ["stringValue", "intValue", "doubleValue", "boolValue"]
                        .iter()
                        .find_map(|k| value.get(*k))
                        .unwrap_or(value);
                    pairs.push((key, plain));
                }
            }
        }
        Ok(Attributes { pairs })
    }

    /// A plain `{"key": value}` object (console spans).
    fn plain(owner: Option<&'v Value>) -> Self {
        let pairs = owner
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
            .unwrap_or_default();
        Attributes { pairs }
    }

    /// Jaeger `tags`: `{"key", "type", "value"}`.
    fn tags(owner: Option<&'v Value>) -> Self {
        let pairs = owner
            .and_then(Value::as_array)
            .map(|tags| {
                tags.iter()
                    .filter_map(|t| Some((t.get("key")?.as_str()?, t.get("value")?)))
                    .collect()
            })
            .unwrap_or_default();
        Attributes { pairs }
    }

    /// Whether the span made a model call: a model-call operation, or (instrumentations that
    /// predate `gen_ai.operation.name`) any `gen_ai.*` attribute on a span that no other
    /// convention marks as a parent.
    fn is_model_call(&self) -> bool {
        if let Some(op) = self.get("gen_ai.operation.name").and_then(Value::as_str) {
            return MODEL_CALL_OPERATIONS.contains(&op);
        }
        // OpenInference marks its model calls itself (and may carry no `gen_ai.*` attribute).
        if let Some(kind) = self.get("openinference.span.kind").and_then(Value::as_str) {
            return matches!(kind, "LLM" | "EMBEDDING");
        }
        let parent = ["traceloop.span.kind", "openinference.span.kind"]
            .iter()
            .filter_map(|k| self.get(k).and_then(Value::as_str))
            .any(|kind| PARENT_KINDS.contains(&kind.to_ascii_lowercase().as_str()));
        !parent && self.pairs.iter().any(|(k, _)| k.starts_with("gen_ai."))
    }

    /// The value of the last attribute named `key` (later duplicates win, as in JSON).
    fn get(&self, key: &str) -> Option<&'v Value> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    }

    /// The first of `keys` that is present, with its name (for error messages).
    fn first(&self, keys: &[&'static str]) -> Option<(&'static str, &'v Value)> {
        keys.iter().find_map(|&k| self.get(k).map(|v| (k, v)))
    }
}

/// Text of a plain value: a string, or a boolean; other kinds have no borrowed text.
fn text(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        Value::Bool(true) => Some("true"),
        Value::Bool(false) => Some("false"),
        _ => None,
    }
}

/// A non-empty text attribute.
fn non_empty(v: Option<&Value>) -> Option<JsonStr<'_>> {
    v.and_then(text)
        .filter(|s| !s.is_empty())
        .map(JsonStr::plain)
}

/// A number, or a string that holds one; `None` for an absent value, a wrong type for any other.
fn number(v: &Value, name: &'static str) -> Result<Option<f64>, LineError> {
    let x = match v {
        Value::Null => return Ok(None),
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match x {
        Some(x) if x.is_finite() => Ok(Some(x)),
        _ => Err(LineError::WrongType(name)),
    }
}

/// A count (tokens): a non-negative whole number.
fn count(v: &Value, name: &'static str) -> Result<Option<u64>, LineError> {
    match number(v, name)? {
        Some(x) if x >= 0.0 && x.fract() == 0.0 && x <= 9.0e15 => Ok(Some(x as u64)),
        Some(_) => Err(LineError::WrongType(name)),
        None => Ok(None),
    }
}

/// A `fixed64` nanosecond time: a decimal string in OTLP/JSON, or a number; 0 means unset.
fn unix_nanos(span: &Value, key: &'static str) -> Result<Option<i64>, LineError> {
    let nanos = match span.get(key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
        Some(Value::Number(n)) => n.as_i64(),
        Some(_) => None,
    };
    nanos
        .map(|ns| Some(ns).filter(|&ns| ns > 0))
        .ok_or(LineError::WrongType(key))
}

fn span_record<'v>(
    span: &SpanView<'v>,
    overrides: &[(Field, String)],
) -> Result<Record<'v>, LineError> {
    let attrs = &span.attrs;
    let resource = &*span.resource;
    let mut rec = Record {
        ts: span.start_ns.map(Micros::from_nanos),
        ..Record::default()
    };
    if let (Some(a), Some(b)) = (span.start_ns, span.end_ns) {
        if b >= a {
            rec.latency_ms = Some((b - a) as f64 / 1e6);
        }
    }
    rec.request_id = span
        .id
        .filter(|s| !s.is_empty())
        .map(JsonStr::plain)
        .or_else(|| non_empty(attrs.get("gen_ai.response.id")));

    let model = non_empty(attrs.get("gen_ai.request.model"))
        .or_else(|| non_empty(attrs.get("gen_ai.response.model")))
        .or_else(|| non_empty(attrs.get("llm.model_name")));
    rec.dims[Dim::Model as usize] = model;
    rec.dims[Dim::Version as usize] = non_empty(resource.get("service.version"));
    rec.dims[Dim::Endpoint as usize] = non_empty(attrs.get("gen_ai.operation.name"));
    rec.dims[Dim::Stage as usize] = non_empty(resource.get("deployment.environment.name"))
        .or_else(|| non_empty(resource.get("deployment.environment")));
    rec.dims[Dim::UserId as usize] =
        non_empty(attrs.get("user.id")).or_else(|| non_empty(attrs.get("enduser.id")));

    if let Some((name, v)) = attrs.first(&[
        "gen_ai.usage.input_tokens",
        "gen_ai.usage.prompt_tokens",
        "llm.token_count.prompt",
    ]) {
        rec.tokens_in = count(v, name)?;
    }
    if let Some((name, v)) = attrs.first(&[
        "gen_ai.usage.output_tokens",
        "gen_ai.usage.completion_tokens",
        "llm.token_count.completion",
    ]) {
        rec.tokens_out = count(v, name)?;
    }
    if let Some((name, v)) = attrs.first(&["gen_ai.usage.cost"]) {
        if let Some(cost) = number(v, name)? {
            rec.cost_usd = cost;
            rec.cost_source = CostSource::Logged;
        }
    }
    rec.prompt = [
        "gen_ai.prompt",
        "gen_ai.prompt.0.content",
        "gen_ai.input.messages",
    ]
    .iter()
    .find_map(|k| non_empty(attrs.get(k)));
    rec.response = [
        "gen_ai.completion",
        "gen_ai.completion.0.content",
        "gen_ai.output.messages",
    ]
    .iter()
    .find_map(|k| non_empty(attrs.get(k)));

    // The HTTP status when the instrumentation recorded one; else the span status decides.
    let http = match attrs.first(&["http.response.status_code", "http.status_code"]) {
        Some((name, v)) => match number(v, name)? {
            Some(x) if x.fract() == 0.0 && (0.0..=999.0).contains(&x) => Some(x as u16),
            Some(_) => return Err(LineError::WrongType(name)),
            None => None,
        },
        None => None,
    };
    let error_type = non_empty(attrs.get("error.type"));
    let failed = span.failed || error_type.is_some();
    rec.status = Some(match http {
        Some(code) if code >= 400 || !failed => code,
        // `error.type` may be a status code ("429"), an SDK exception class, or the name of
        // a Bedrock exception.
        _ if failed => error_type
            .and_then(|t| {
                error_class_status(t.raw_text())
                    .or_else(|| super::bedrock::known_error_status(t.raw_text()))
            })
            .unwrap_or(500),
        _ => 200,
    });
    if failed {
        rec.error = Some(ErrorInfo {
            kind: error_type,
            message: span.message.filter(|m| !m.is_empty()).map(JsonStr::plain),
        });
    }
    apply_overrides(&mut rec, attrs, resource, overrides)?;
    Ok(rec)
}

/// `[fields]` entries name attributes for this preset (`tenant = "app.tenant_id"`): the span's
/// own attribute, else the resource's, replaces the field.
fn apply_overrides<'v>(
    rec: &mut Record<'v>,
    attrs: &Attributes<'v>,
    resource: &Attributes<'v>,
    overrides: &[(Field, String)],
) -> Result<(), LineError> {
    for (field, key) in overrides {
        let Some(v) = attrs.get(key).or_else(|| resource.get(key)) else {
            continue;
        };
        let name = field.name();
        let dim = |d: Dim| (d, non_empty(Some(v)));
        let (d, value) = match field {
            Field::Model => dim(Dim::Model),
            Field::Version => dim(Dim::Version),
            Field::Endpoint => dim(Dim::Endpoint),
            Field::Stage => dim(Dim::Stage),
            Field::Tenant => dim(Dim::Tenant),
            Field::UserId => dim(Dim::UserId),
            Field::RequestId => {
                rec.request_id = non_empty(Some(v)).or(rec.request_id);
                continue;
            }
            Field::Prompt => {
                rec.prompt = non_empty(Some(v)).or(rec.prompt);
                continue;
            }
            Field::Response => {
                rec.response = non_empty(Some(v)).or(rec.response);
                continue;
            }
            Field::LatencyMs => {
                rec.latency_ms = number(v, name)?.or(rec.latency_ms);
                continue;
            }
            Field::TokensIn => {
                rec.tokens_in = count(v, name)?.or(rec.tokens_in);
                continue;
            }
            Field::TokensOut => {
                rec.tokens_out = count(v, name)?.or(rec.tokens_out);
                continue;
            }
            Field::CostUsd => {
                if let Some(cost) = number(v, name)? {
                    rec.cost_usd = cost;
                    rec.cost_source = CostSource::Logged;
                }
                continue;
            }
            Field::Confidence => {
                rec.confidence = number(v, name)?.or(rec.confidence);
                continue;
            }
            Field::Rating => {
                rec.rating = number(v, name)?.or(rec.rating);
                continue;
            }
            Field::Comment => {
                rec.comment = non_empty(Some(v)).or(rec.comment);
                continue;
            }
            // Time, status and error come from the span itself; metadata has no attribute form.
            _ => continue,
        };
        if value.is_some() {
            rec.dims[d as usize] = value;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{Field, Format, FormatKind, LineError};
    use crate::record::{CostSource, Dim};

    /// The records of a line as (request_id, model, status, latency, tokens in, tokens out).
    type Row = (
        String,
        String,
        Option<u16>,
        Option<f64>,
        Option<u64>,
        Option<u64>,
    );

    fn rows(format: &Format, line: &str) -> Result<Vec<Row>, LineError> {
        let mut out = Vec::new();
        let n = format.records(line.as_bytes(), |r| {
            out.push((
                r.request_id
                    .map(|s| s.get().into_owned())
                    .unwrap_or_default(),
                r.dim(Dim::Model)
                    .map(|s| s.get().into_owned())
                    .unwrap_or_default(),
                r.status,
                r.latency_ms,
                r.tokens_in,
                r.tokens_out,
            ))
        })?;
        assert_eq!(n, out.len());
        Ok(out)
    }

    const BATCH: &str = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"chat-api"}},{"key":"service.version","value":{"stringValue":"2026.11.2"}}]},"scopeSpans":[{"scope":{"name":"opentelemetry.instrumentation.openai"},"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"chat gpt-4o","kind":3,"startTimeUnixNano":"1795442400000000000","endTimeUnixNano":"1795442401250000000","attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},{"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},{"key":"gen_ai.usage.input_tokens","value":{"intValue":"123"}},{"key":"gen_ai.usage.output_tokens","value":{"intValue":45}}],"status":{}},{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"0000000000000001","name":"GET /health","startTimeUnixNano":"1795442400000000000","endTimeUnixNano":"1795442400001000000","attributes":[{"key":"http.response.status_code","value":{"intValue":"200"}}]},{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b175","name":"chat gpt-4o","startTimeUnixNano":"1795442402000000000","endTimeUnixNano":"1795442432000000000","attributes":[{"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},{"key":"error.type","value":{"stringValue":"timeout"}}],"status":{"code":2,"message":"Request timed out."}}]}]}]}"#;

    #[test]
    fn many_spans_per_line_only_gen_ai_ones() {
        let f = Format::new(FormatKind::Otel, &[]);
        let got = rows(&f, BATCH).unwrap();
        assert_eq!(
            got,
            vec![
                (
                    "eee19b7ec3c1b174".into(),
                    "gpt-4o".into(),
                    Some(200),
                    Some(1250.0),
                    Some(123),
                    Some(45)
                ),
                (
                    "eee19b7ec3c1b175".into(),
                    "gpt-4o".into(),
                    // `error.type` "timeout": a gateway timeout.
                    Some(504),
                    Some(30000.0),
                    None,
                    None
                ),
            ]
        );
        let mut first = None;
        f.records(BATCH.as_bytes(), |r| {
            if first.is_none() {
                first = Some((
                    r.ts.map(|t| t.0),
                    r.dim(Dim::Version).unwrap().get().into_owned(),
                    r.dim(Dim::Endpoint).unwrap().get().into_owned(),
                    r.cost_source,
                ));
            }
        })
        .unwrap();
        assert_eq!(
            first,
            Some((
                Some(1_795_442_400_000_000),
                "2026.11.2".to_string(),
                "chat".to_string(),
                CostSource::Unpriced
            ))
        );
    }

    #[test]
    fn errors_from_status_and_http_code() {
        let f = Format::new(FormatKind::Otel, &[]);
        let span = |attrs: &str, status: &str| {
            format!(
                r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"spanId":"a","startTimeUnixNano":"1795442400000000000","endTimeUnixNano":"1795442400500000000","attributes":[{{"key":"gen_ai.system","value":{{"stringValue":"openai"}}}}{attrs}],"status":{status}}}]}}]}}]}}"#
            )
        };
        let status_of = |line: String| rows(&f, &line).unwrap()[0].2;
        let http = |c: u32| {
            format!(r#",{{"key":"http.response.status_code","value":{{"intValue":"{c}"}}}}"#)
        };
        assert_eq!(status_of(span("", "{}")), Some(200));
        assert_eq!(status_of(span("", r#"{"code":2}"#)), Some(500));
        assert_eq!(
            status_of(span("", r#"{"code":"STATUS_CODE_ERROR"}"#)),
            Some(500)
        );
        assert_eq!(status_of(span(&http(429), r#"{"code":2}"#)), Some(429));
        assert_eq!(status_of(span(&http(200), r#"{"code":2}"#)), Some(500));
        assert_eq!(status_of(span(&http(404), "{}")), Some(404));
        let typed = |t: &str| format!(r#",{{"key":"error.type","value":{{"stringValue":"{t}"}}}}"#);
        assert_eq!(status_of(span(&typed("429"), "{}")), Some(429));
        assert_eq!(
            status_of(span(&typed("openai.RateLimitError"), r#"{"code":2}"#)),
            Some(429)
        );
        assert_eq!(
            status_of(span(&typed("timeout"), r#"{"code":2}"#)),
            Some(504)
        );
        assert_eq!(
            status_of(span(&typed("KeyError"), r#"{"code":2}"#)),
            Some(500)
        );
    }

    #[test]
    fn lines_without_gen_ai_spans_give_no_records() {
        let f = Format::new(FormatKind::Otel, &[]);
        assert_eq!(rows(&f, r#"{"resourceSpans":[]}"#).unwrap(), vec![]);
        assert_eq!(rows(&f, r#"{"resourceLogs":[{}]}"#).unwrap(), vec![]);
        assert_eq!(
            rows(&f, r#"{"resourceSpans":{"a":1}}"#).err(),
            Some(LineError::WrongType("resourceSpans"))
        );
        assert_eq!(
            rows(&f, r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"soon","attributes":[{"key":"gen_ai.system","value":{"stringValue":"x"}}]}]}]}]}"#).err(),
            Some(LineError::WrongType("startTimeUnixNano"))
        );
        assert!(matches!(
            rows(&f, r#"{"resourceSpans":["#),
            Err(LineError::Json(_))
        ));
    }

    #[test]
    fn overrides_name_attributes() {
        let f = Format::new(
            FormatKind::Otel,
            &[
                (Field::Tenant, "app.tenant".into()),
                (Field::Model, "gen_ai.response.model".into()),
            ],
        );
        let line = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"app.tenant","value":{"stringValue":"acme"}}]},"scopeSpans":[{"spans":[{"spanId":"s","attributes":[{"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},{"key":"gen_ai.response.model","value":{"stringValue":"gpt-4o-2024-08-06"}}]}]}]}]}"#;
        let mut got = Vec::new();
        f.records(line.as_bytes(), |r| {
            got.push((
                r.dim(Dim::Tenant).map(|t| t.get().into_owned()),
                r.dim(Dim::Model).map(|t| t.get().into_owned()),
                r.ts.map(|t| t.0),
            ))
        })
        .unwrap();
        assert_eq!(
            got,
            vec![(
                Some("acme".to_string()),
                Some("gpt-4o-2024-08-06".to_string()),
                None
            )]
        );
    }

    const FIXTURE: &str = include_str!("../../../tests/fixtures/formats/otel.jsonl");

    #[test]
    fn fixture_lines_decode() {
        let f = Format::new(FormatKind::Otel, &[]);
        let counts: Vec<usize> = FIXTURE
            .lines()
            .map(|l| f.records(l.as_bytes(), |_| {}).unwrap())
            .collect();
        assert_eq!(counts, [2, 2, 2, 0, 1]);
        let mut seen = Vec::new();
        f.records(FIXTURE.lines().nth(1).unwrap().as_bytes(), |r| {
            seen.push((
                r.dim(Dim::Version).unwrap().get().into_owned(),
                r.prompt.map(|p| p.get().into_owned()),
                r.response.map(|p| p.get().into_owned()),
            ))
        })
        .unwrap();
        assert_eq!(
            seen,
            [
                (
                    "1.4.2".to_string(),
                    Some("How do I reset my \"SSO\" password?\nThanks \u{2014} Dana".to_string()),
                    Some("Open Settings \u{2192} Security \u{2192} Reset SSO.".to_string())
                ),
                ("0.9.0".to_string(), None, None),
            ]
        );
    }
}
