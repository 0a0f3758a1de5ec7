//! Anthropic Message Batches results, after the Message Batches API reference ("Retrieve
//! Message Batch results": one `{"custom_id", "result"}` line per request, `result.type` one
//! of `succeeded` (with the Messages API `message`: `model`, `content`, `usage.input_tokens`/
//! `output_tokens`), `errored` (an error object), `canceled` or `expired`). Results carry no
//! time of their own, so these records have no timestamp.

use super::convert::first_string;
use super::{extra_slot, Field, LineError, PresetSpec};
use crate::record::json::RawValue;
use crate::record::{ErrorInfo, Record};

pub static SPEC: PresetSpec = PresetSpec {
    paths: &[
        (Field::RequestId, "custom_id"),
        (Field::Model, "result.message.model"),
        (Field::TokensIn, "result.message.usage.input_tokens"),
        (Field::TokensOut, "result.message.usage.output_tokens"),
        (Field::Response, "result.message.content[0].text"),
    ],
    extra: EXTRA,
    score,
    fixup: Some(fixup),
    many: None,
};

/// Paths only the fix-up reads.
const EXTRA: &[&str] = &[
    "result.type",
    // The error of an `errored` result: an API error response (`{"type": "error", "error":
    // {"type", "message"}}`), or the inner error object itself.
    "result.error.error.type",
    "result.error.error.message",
    "result.error.type",
    "result.error.message",
];

const RESULT_TYPE: usize = extra_slot(EXTRA, "result.type");
const ERROR_TYPES: [usize; 2] = [
    extra_slot(EXTRA, "result.error.error.type"),
    extra_slot(EXTRA, "result.error.type"),
];
const ERROR_MESSAGES: [usize; 2] = [
    extra_slot(EXTRA, "result.error.error.message"),
    extra_slot(EXTRA, "result.error.message"),
];

/// HTTP statuses of the Anthropic API error types, as its "Errors" page lists them.
const ERROR_STATUS: &[(&str, u16)] = &[
    ("invalid_request_error", 400),
    ("authentication_error", 401),
    ("billing_error", 402),
    ("permission_error", 403),
    ("not_found_error", 404),
    ("request_too_large", 413),
    ("rate_limit_error", 429),
    ("api_error", 500),
    ("timeout_error", 504),
    ("overloaded_error", 529),
];

/// Requires `custom_id` (a string) and a `result` object with a string `type`; a point more
/// for its message or error.
fn score(v: &serde_json::Value) -> u32 {
    use serde_json::Value;
    let custom = v.get("custom_id").is_some_and(Value::is_string);
    let result = v.get("result").filter(|r| r.is_object());
    let typed = result.is_some_and(|r| r.get("type").is_some_and(Value::is_string));
    if !custom || !typed {
        return 0;
    }
    3 + u32::from(result.is_some_and(|r| r.get("message").is_some() || r.get("error").is_some()))
}

/// Status from the result type: `succeeded` 200; `errored` the status of its error type (500
/// when unknown); `expired` 408 and `canceled` 499, as the OpenAI Batch preset gives its
/// expired and cancelled requests. The error names the error type, or the result type.
fn fixup<'a>(s: &[Option<RawValue<'a>>], rec: &mut Record<'a>) -> Result<(), LineError> {
    let Some(kind) = first_string(&[s[RESULT_TYPE]]) else {
        return Ok(());
    };
    let error_type = ERROR_TYPES
        .iter()
        .find_map(|&i| first_string(&[s[i]]).filter(|t| t.raw_text() != "error"));
    let status = match kind.raw_text() {
        "succeeded" => 200,
        "errored" => error_type
            .and_then(|t| ERROR_STATUS.iter().find(|(name, _)| *name == t.raw_text()))
            .map_or(500, |(_, st)| *st),
        "expired" => 408,
        "canceled" | "cancelled" => 499,
        _ => 500,
    };
    if rec.status.is_none() {
        rec.status = Some(status);
    }
    if status >= 400 && rec.error.is_none() {
        rec.error = Some(ErrorInfo {
            kind: error_type.or(Some(kind)),
            message: ERROR_MESSAGES.iter().find_map(|&i| first_string(&[s[i]])),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{Format, FormatKind};
    use crate::record::Dim;

    fn parse(line: &str) -> crate::record::Record<'_> {
        Format::new(FormatKind::AnthropicBatch, &[])
            .parse(line.as_bytes())
            .unwrap()
    }

    #[test]
    fn result_types() {
        let ok = parse(
            r#"{"custom_id":"q-1","result":{"type":"succeeded","message":{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"Bonjour"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":14,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":5}}}}"#,
        );
        assert_eq!(ok.status, Some(200));
        assert_eq!(ok.ts, None);
        assert_eq!((ok.tokens_in, ok.tokens_out), (Some(14), Some(5)));
        assert_eq!(
            ok.dim(Dim::Model).unwrap().get(),
            "claude-sonnet-4-5-20250929"
        );
        assert_eq!(ok.response.unwrap().get(), "Bonjour");
        let err = parse(
            r#"{"result":{"type":"errored","error":{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: Field required"}}},"custom_id":"q-2"}"#,
        );
        assert_eq!(err.status, Some(400));
        let e = err.error.unwrap();
        assert_eq!(e.kind.unwrap().get(), "invalid_request_error");
        assert_eq!(e.message.unwrap().get(), "max_tokens: Field required");
        let flat = parse(
            r#"{"custom_id":"q-3","result":{"type":"errored","error":{"type":"overloaded_error","message":"Overloaded"}}}"#,
        );
        assert_eq!(flat.status, Some(529));
        let expired = parse(r#"{"custom_id":"q-4","result":{"type":"expired"}}"#);
        assert_eq!(expired.status, Some(408));
        assert_eq!(expired.error.unwrap().kind.unwrap().get(), "expired");
        let canceled = parse(r#"{"custom_id":"q-5","result":{"type":"canceled"}}"#);
        assert_eq!(canceled.status, Some(499));
    }
}
