//! OpenTelemetry GenAI spans as the OTLP file exporter writes them: one `{"resourceSpans":…}`
//! document per line, many spans each. Every span with a `gen_ai.*` attribute is one record.

use super::convert::error_class_status;
use super::{Field, LineError, PresetSpec};
use crate::record::json::{scan_object, PathTrie};
use crate::record::{CostSource, Dim, ErrorInfo, JsonStr, Record};
use serde_json::Value;

pub static SPEC: PresetSpec = PresetSpec {
    paths: &[],
    extra: &[],
    signatures: &[&["resourceSpans"]],
    fixup: None,
    many: Some(read),
};

/// OTLP `Status.code` of a failed span (`STATUS_CODE_ERROR`).
const STATUS_CODE_ERROR: i64 = 2;

/// Reads every GenAI span of one OTLP/JSON line. Nothing goes to `sink` unless the whole line
/// converts, so a line is either used or skipped, never half counted.
fn read(
    line: &[u8],
    overrides: &[(Field, String)],
    sink: &mut dyn FnMut(&mut Record<'_>),
) -> Result<usize, LineError> {
    // The scanner classifies malformed lines exactly as for every other preset.
    scan_object(line, &PathTrie::new(), &mut []).map_err(LineError::Json)?;
    // Valid JSON that serde still refuses (a lone surrogate escape, nesting past 128 levels)
    // cannot be an OTLP document.
    let doc: Value =
        serde_json::from_slice(line).map_err(|_| LineError::WrongType("resourceSpans"))?;
    let mut records = Vec::new();
    for resource_spans in array(&doc, "resourceSpans")? {
        let resource = Attributes::of(resource_spans.get("resource"))?;
        // `instrumentationLibrarySpans` is the name older exporters used for `scopeSpans`.
        let scopes = array(resource_spans, "scopeSpans")?
            .iter()
            .chain(array(resource_spans, "instrumentationLibrarySpans")?);
        for scope in scopes {
            for span in array(scope, "spans")? {
                let attrs = Attributes::of(Some(span))?;
                if attrs.is_gen_ai() {
                    records.push(span_record(span, &attrs, &resource, overrides)?);
                }
            }
        }
    }
    let count = records.len();
    for mut rec in records {
        sink(&mut rec);
    }
    Ok(count)
}

/// The array at `key` of an object; absent or null is empty, anything else is a wrong type.
fn array<'v>(parent: &'v Value, key: &'static str) -> Result<&'v [Value], LineError> {
    match parent.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(LineError::WrongType(key)),
    }
}

/// The `attributes` of a span or resource: OTLP `KeyValue`s, `{"key": …, "value": AnyValue}`.
struct Attributes<'v> {
    pairs: Vec<(&'v str, &'v Value)>,
}

impl<'v> Attributes<'v> {
    fn of(owner: Option<&'v Value>) -> Result<Self, LineError> {
        let mut pairs = Vec::new();
        if let Some(owner) = owner {
            for kv in array(owner, "attributes")? {
                if let (Some(key), Some(value)) =
                    (kv.get("key").and_then(Value::as_str), kv.get("value"))
                {
                    pairs.push((key, value));
                }
            }
        }
        Ok(Attributes { pairs })
    }

    fn is_gen_ai(&self) -> bool {
        self.pairs.iter().any(|(k, _)| k.starts_with("gen_ai."))
    }

    /// The `AnyValue` of the last attribute named `key` (later duplicates win, as in JSON).
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

/// Text of an `AnyValue`: a `stringValue`, an `intValue` (a string in OTLP/JSON) or a
/// `boolValue`; other kinds have no borrowed text.
fn text(v: &Value) -> Option<&str> {
    if let Some(s) = v.get("stringValue").and_then(Value::as_str) {
        return Some(s);
    }
    if let Some(s) = v.get("intValue").and_then(Value::as_str) {
        return Some(s);
    }
    match v.get("boolValue").and_then(Value::as_bool) {
        Some(true) => Some("true"),
        Some(false) => Some("false"),
        None => None,
    }
}

/// A non-empty text attribute.
fn non_empty(v: Option<&Value>) -> Option<JsonStr<'_>> {
    v.and_then(text)
        .filter(|s| !s.is_empty())
        .map(JsonStr::plain)
}

/// A number from an `intValue` (string or number), a `doubleValue`, or a `stringValue` that
/// holds a number; `None` for an empty value, a wrong type for any other.
fn number(v: &Value, name: &'static str) -> Result<Option<f64>, LineError> {
    let any = ["intValue", "doubleValue", "stringValue"]
        .iter()
        .find_map(|k| v.get(*k));
    let x = match any {
        None => return Ok(None),
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        Some(_) => None,
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

/// A `fixed64` nanosecond time: a decimal string in OTLP/JSON, or a number.
fn unix_nanos(span: &Value, key: &'static str) -> Result<Option<i64>, LineError> {
    let nanos = match span.get(key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
        Some(Value::Number(n)) => n.as_i64(),
        Some(_) => None,
    };
    nanos.map(Some).ok_or(LineError::WrongType(key))
}

/// Whether the span's `status.code` is ERROR (the number 2, or its enum name).
fn span_failed(span: &Value) -> bool {
    match span.get("status").and_then(|s| s.get("code")) {
        Some(Value::Number(n)) => n.as_i64() == Some(STATUS_CODE_ERROR),
        Some(Value::String(s)) => s == "STATUS_CODE_ERROR",
        _ => false,
    }
}

fn span_record<'v>(
    span: &'v Value,
    attrs: &Attributes<'v>,
    resource: &Attributes<'v>,
    overrides: &[(Field, String)],
) -> Result<Record<'v>, LineError> {
    let mut rec = Record::default();
    let start = unix_nanos(span, "startTimeUnixNano")?.filter(|&ns| ns > 0);
    let end = unix_nanos(span, "endTimeUnixNano")?.filter(|&ns| ns > 0);
    rec.ts = start.map(|ns| ns.div_euclid(1000));
    if let (Some(a), Some(b)) = (start, end) {
        if b >= a {
            rec.latency_ms = Some((b - a) as f64 / 1e6);
        }
    }
    rec.request_id = span
        .get("spanId")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(JsonStr::plain)
        .or_else(|| non_empty(attrs.get("gen_ai.response.id")));

    let model = non_empty(attrs.get("gen_ai.request.model"))
        .or_else(|| non_empty(attrs.get("gen_ai.response.model")));
    rec.dims[Dim::Model as usize] = model;
    rec.dims[Dim::Version as usize] = non_empty(resource.get("service.version"));
    rec.dims[Dim::Endpoint as usize] = non_empty(attrs.get("gen_ai.operation.name"));
    rec.dims[Dim::Stage as usize] = non_empty(resource.get("deployment.environment.name"))
        .or_else(|| non_empty(resource.get("deployment.environment")));
    rec.dims[Dim::UserId as usize] =
        non_empty(attrs.get("user.id")).or_else(|| non_empty(attrs.get("enduser.id")));

    if let Some((name, v)) =
        attrs.first(&["gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"])
    {
        rec.tokens_in = count(v, name)?;
    }
    if let Some((name, v)) = attrs.first(&[
        "gen_ai.usage.output_tokens",
        "gen_ai.usage.completion_tokens",
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
    let failed = span_failed(span) || error_type.is_some();
    rec.status = Some(match http {
        Some(code) if code >= 400 || !failed => code,
        // `error.type` may be a status code ("429") or an SDK exception class.
        _ if failed => error_type
            .and_then(|t| error_class_status(t.raw_text()))
            .unwrap_or(500),
        _ => 200,
    });
    if failed {
        rec.error = Some(ErrorInfo {
            kind: error_type,
            message: span
                .get("status")
                .and_then(|s| s.get("message"))
                .and_then(Value::as_str)
                .filter(|m| !m.is_empty())
                .map(JsonStr::plain),
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
                    r.ts,
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
                r.ts,
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
