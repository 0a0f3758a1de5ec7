//! CloudWatch Logs exports, after the CloudWatch Logs API reference (`FilterLogEvents`/
//! `GetLogEvents` events: `timestamp` in epoch milliseconds, `message`; subscription-filter
//! payloads: `logEvents`), Logs Insights results (`@timestamp`, `@message`) and S3 export
//! tasks (`<ISO time> <message>` per line). The wrapper unwraps each event's message (a JSON
//! string, as Bedrock model-invocation logging delivers its records) and reads it with the
//! preset that scores best on it; the event's time stands in when the message has none.

use super::value::{parse_line, time};
use super::{Format, FormatKind, LineError, PresetSpec};
use crate::record::time::{parse_rfc3339, Micros};
use crate::record::Record;
use serde_json::Value;
use std::borrow::Cow;

pub static SPEC: PresetSpec = PresetSpec {
    paths: &[],
    extra: &[],
    score,
    fixup: None,
    // Read by `read` below, which needs the inner presets `Format` holds.
    many: None,
};

/// Keys that accompany `message` in a CloudWatch Logs event.
const EVENT_KEYS: &[&str] = &[
    "timestamp",
    "ingestionTime",
    "logStreamName",
    "eventId",
    "@timestamp",
];

fn score(v: &Value) -> u32 {
    let json_text = |m: &Value| match m {
        Value::String(s) => s.trim_start().starts_with('{'),
        Value::Object(_) => true,
        _ => false,
    };
    if v.get("logEvents").is_some_and(Value::is_array) {
        return 5;
    }
    if insights_rows(v).is_some() {
        return 5;
    }
    if v.get("events")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
        .is_some_and(|e| e.get("message").is_some())
    {
        return 5;
    }
    if v.get("@message").is_some_and(json_text) {
        return 3;
    }
    if v.get("message").is_some_and(json_text) && EVENT_KEYS.iter().any(|k| v.get(*k).is_some()) {
        return 3;
    }
    0
}

/// The rows of a `GetQueryResults` response (`{"results": [[{"field", "value"}, …], …]}`).
fn insights_rows(v: &Value) -> Option<&Vec<Value>> {
    let rows = v.get("results")?.as_array()?;
    let first = rows.first()?.as_array()?;
    first
        .iter()
        .any(|c| c.get("field").is_some() && c.get("value").is_some())
        .then_some(rows)
}

/// One `GetQueryResults` row as the event it holds: its `@message` and `@timestamp` fields.
fn insights_event(row: &Value) -> Result<Option<Event<'_>>, LineError> {
    let field = |name: &str| {
        row.as_array()?
            .iter()
            .find(|c| c.get("field").and_then(Value::as_str) == Some(name))?
            .get("value")
    };
    let Some(message) = field("@message").and_then(Value::as_str) else {
        return Ok(None);
    };
    Ok(Some(Event {
        message: Cow::Borrowed(message),
        ts: time(field("@timestamp"), "@timestamp")?,
    }))
}

/// An S3-export line, `2026-11-23T14:00:00.000Z {"schemaType":…}`, as the event it stands for
/// (for detection).
pub(super) fn prefixed_event(line: &[u8]) -> Option<Value> {
    let (ts, message) = split_prefixed(line)?;
    let mut event = serde_json::Map::new();
    event.insert("@timestamp".into(), Value::String(ts.into()));
    event.insert("@message".into(), Value::String(message.into()));
    Some(Value::Object(event))
}

/// The time and message of an S3-export line.
fn split_prefixed(line: &[u8]) -> Option<(&str, &str)> {
    let text = std::str::from_utf8(line).ok()?;
    let (ts, message) = text.split_once(' ')?;
    (parse_rfc3339(ts).is_some() && message.trim_start().starts_with('{'))
        .then_some((ts, message.trim_start()))
}

/// One unwrapped event: its message text and its time (epoch microseconds).
struct Event<'v> {
    message: Cow<'v, str>,
    ts: Option<Micros>,
}

/// Reads the records of every event of one line with the preset each message fits. An event
/// whose message fails to read fails the line, and nothing reaches `sink` then.
pub(super) fn read(
    format: &Format,
    line: &[u8],
    sink: &mut dyn FnMut(&mut Record<'_>),
) -> Result<usize, LineError> {
    if let Some((ts, message)) = split_prefixed(line) {
        let event = Event {
            message: Cow::Borrowed(message),
            ts: parse_rfc3339(ts),
        };
        return read_events(format, &[event], sink);
    }
    let doc = parse_line(line, "message")?;
    let mut events = Vec::new();
    if let Some(rows) = insights_rows(&doc) {
        for row in rows {
            events.extend(insights_event(row)?);
        }
        return read_events(format, &events, sink);
    }
    let list = doc
        .get("logEvents")
        .or_else(|| doc.get("events"))
        .and_then(Value::as_array);
    match list {
        Some(items) => {
            for item in items {
                events.extend(event(item)?);
            }
        }
        None => events.extend(event(&doc)?),
    }
    read_events(format, &events, sink)
}

/// The message and time of one event object; `None` without a message.
fn event(v: &Value) -> Result<Option<Event<'_>>, LineError> {
    let message = match v.get("@message").or_else(|| v.get("message")) {
        Some(Value::String(s)) => Cow::Borrowed(s.as_str()),
        Some(o @ Value::Object(_)) => Cow::Owned(o.to_string()),
        _ => return Ok(None),
    };
    let ts = time(
        v.get("@timestamp").or_else(|| v.get("timestamp")),
        "timestamp",
    )?;
    Ok(Some(Event { message, ts }))
}

fn read_events(
    format: &Format,
    events: &[Event<'_>],
    sink: &mut dyn FnMut(&mut Record<'_>),
) -> Result<usize, LineError> {
    let mut readers = Vec::with_capacity(events.len());
    for e in events {
        let bytes = e.message.trim().as_bytes();
        let reader = match serde_json::from_slice::<Value>(bytes) {
            Ok(v) if v.is_object() => Some(
                format
                    .inner_for(&v)
                    .or_else(|| format.inner.iter().find(|f| f.kind() == FormatKind::Native)),
            )
            .flatten(),
            // A plain-text message (an application's own log line) holds no record.
            _ => None,
        };
        if let Some(r) = reader {
            // A first pass only checks, so that a failing event leaves the whole line unused.
            r.records(bytes, |_| {})?;
        }
        readers.push(reader);
    }
    let mut n = 0;
    for (e, reader) in events.iter().zip(readers) {
        if let Some(r) = reader {
            n += r.records(e.message.trim().as_bytes(), |rec| {
                if rec.ts.is_none() {
                    rec.ts = e.ts;
                }
                sink(rec)
            })?;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::super::{Format, FormatKind};
    use crate::record::Dim;

    /// Model, time, status and tokens in of each record.
    type Row = (String, Option<i64>, Option<u16>, Option<u64>);

    fn rows(line: &str) -> Vec<Row> {
        let mut out = Vec::new();
        Format::new(FormatKind::Cloudwatch, &[])
            .records(line.as_bytes(), |r| {
                out.push((
                    r.dim(Dim::Model).unwrap().get().into_owned(),
                    r.ts.map(|t| t.0),
                    r.status,
                    r.tokens_in,
                ))
            })
            .unwrap();
        out
    }

    const BEDROCK: &str = r#"{\"schemaType\":\"ModelInvocationLog\",\"schemaVersion\":\"1.0\",\"timestamp\":\"2026-11-23T14:00:05Z\",\"accountId\":\"123456789012\",\"region\":\"us-east-1\",\"requestId\":\"r-1\",\"operation\":\"Converse\",\"modelId\":\"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0\",\"input\":{\"inputTokenCount\":35},\"output\":{\"outputTokenCount\":4}}"#;

    #[test]
    fn unwraps_every_export_shape() {
        let want = vec![(
            "us.anthropic.claude-3-5-haiku-20241022-v1:0".to_string(),
            Some(1_795_442_405_000_000),
            Some(200),
            Some(35),
        )];
        let insights = format!(
            r#"{{"@timestamp":"2026-11-23 14:00:05.120","@message":"{BEDROCK}","@logStream":"aws/bedrock/modelinvocations"}}"#
        );
        assert_eq!(rows(&insights), want);
        let event = format!(
            r#"{{"logStreamName":"s","timestamp":1795442405120,"message":"{BEDROCK}","ingestionTime":1795442406000,"eventId":"1"}}"#
        );
        assert_eq!(rows(&event), want);
        let sub = format!(
            r#"{{"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"g","logStream":"s","subscriptionFilters":["f"],"logEvents":[{{"id":"1","timestamp":1795442405120,"message":"{BEDROCK}"}},{{"id":"2","timestamp":1795442405121,"message":"START RequestId: x"}}]}}"#
        );
        assert_eq!(rows(&sub), want);
        let results = format!(
            r#"{{"results":[[{{"field":"@timestamp","value":"2026-11-23 14:00:05.120"}},{{"field":"@message","value":"{BEDROCK}"}},{{"field":"@ptr","value":"x"}}]],"statistics":{{"recordsMatched":1.0}},"status":"Complete"}}"#
        );
        assert_eq!(rows(&results), want);
        let plain = BEDROCK.replace("\\\"", "\"");
        let s3 = format!("2026-11-23T14:00:05.120Z {plain}");
        assert_eq!(rows(&s3), want);
    }

    #[test]
    fn event_time_stands_in() {
        let inner = r#"{\"custom_id\":\"q-1\",\"result\":{\"type\":\"expired\"}}"#;
        let line = format!(r#"{{"@timestamp":"2026-11-23 14:00:05.000","@message":"{inner}"}}"#);
        let mut got = Vec::new();
        Format::new(FormatKind::Cloudwatch, &[])
            .records(line.as_bytes(), |r| got.push((r.ts.map(|t| t.0), r.status)))
            .unwrap();
        assert_eq!(got, vec![(Some(1_795_442_405_000_000), Some(408))]);
    }
}
