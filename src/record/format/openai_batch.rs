//! OpenAI Batch API output lines, after the Batch API reference ("The request output object":
//! `id`, `custom_id`, `response.status_code`, `response.request_id`, `response.body`, `error`)
//! with a body of the endpoint the batch ran: a Chat Completions object (`created`, `usage.
//! prompt_tokens`, `choices`), a Responses API object (`created_at`, `status`, `usage.
//! input_tokens`/`output_tokens`, `output` items) or an embeddings list (`usage.prompt_tokens`).

use super::convert::first_string;
use super::{extra_slot, Field, LineError, PresetSpec};
use crate::record::json::{last_member, Kind, RawValue};
use crate::record::{ErrorInfo, JsonStr, Record};

pub static SPEC: PresetSpec = PresetSpec {
    paths: &[
        // Chat Completions and Completions bodies carry `created`, Responses bodies
        // `created_at` (both epoch seconds); a body has one or the other.
        (Field::Ts, "response.body.created"),
        (Field::Ts, "response.body.created_at"),
        (Field::RequestId, "custom_id"),
        (Field::Status, "response.status_code"),
        (Field::Model, "response.body.model"),
        (Field::Endpoint, "response.body.object"),
        (Field::TokensIn, "response.body.usage.prompt_tokens"),
        (Field::TokensIn, "response.body.usage.input_tokens"),
        (Field::TokensOut, "response.body.usage.completion_tokens"),
        (Field::TokensOut, "response.body.usage.output_tokens"),
        (Field::Response, "response.body.choices[0].message.content"),
        (Field::Metadata, "response.body.metadata"),
    ],
    extra: EXTRA,
    score,
    fixup: Some(fixup),
    many: None,
};

/// Paths only the fix-up reads.
const EXTRA: &[&str] = &[
    // The line's own error: the request never ran (expired, cancelled, failed validation).
    "error.code",
    "error.message",
    // The API's error body of a request that ran and failed (`status_code` 4xx/5xx).
    "response.body.error.type",
    "response.body.error.code",
    "response.body.error.message",
    // The Responses API object's own status (`completed`, `failed`, `incomplete`, …).
    "response.body.status",
    // Responses API output items: the text of the assistant message among them.
    "response.body.output",
];

const LINE_CODE: usize = extra_slot(EXTRA, "error.code");
const LINE_MESSAGE: usize = extra_slot(EXTRA, "error.message");
const BODY_TYPE: usize = extra_slot(EXTRA, "response.body.error.type");
const BODY_CODE: usize = extra_slot(EXTRA, "response.body.error.code");
const BODY_MESSAGE: usize = extra_slot(EXTRA, "response.body.error.message");
const BODY_STATUS: usize = extra_slot(EXTRA, "response.body.status");
const OUTPUT: usize = extra_slot(EXTRA, "response.body.output");

/// The HTTP status logwarden gives a line-level error code, which has none of its own: a request
/// the batch never ran because its window expired is a timeout (408), one cancelled with the
/// batch was closed by the client (499, as nginx and most gateways log it); any other failure
/// before the model (500) shows as a server-side error.
fn line_error_status(code: &str) -> u16 {
    match code {
        "batch_expired" => 408,
        "batch_cancelled" | "batch_canceled" => 499,
        _ => 500,
    }
}

/// Requires `custom_id` (a string) and `response` (an object, or null when the request never
/// ran); a point more for each other key of the output object.
fn score(v: &serde_json::Value) -> u32 {
    use serde_json::Value;
    let custom = v.get("custom_id").is_some_and(Value::is_string);
    let response = v
        .get("response")
        .is_some_and(|r| r.is_object() || r.is_null());
    if !custom || !response {
        return 0;
    }
    let batch_id = v
        .get("id")
        .and_then(Value::as_str)
        .is_some_and(|id| id.starts_with("batch_req"));
    2 + u32::from(batch_id)
        + u32::from(v.get("error").is_some())
        + u32::from(super::value::at(v, "response.status_code").is_some())
}

/// Status and error: the response's `status_code` and its error body; without a response the
/// line's error code decides (see `line_error_status`); a Responses object whose own status is
/// `failed` is a failure whatever the batch's HTTP status. The reply text of a Responses object
/// is the text of its output message.
fn fixup<'a>(s: &[Option<RawValue<'a>>], rec: &mut Record<'a>) -> Result<(), LineError> {
    let string = |i: usize| first_string(&[s[i]]);
    let line_code = string(LINE_CODE);
    let body_status = string(BODY_STATUS);
    if rec.status.is_none() {
        if let Some(code) = line_code {
            rec.status = Some(line_error_status(&code.get()));
        } else if string(LINE_MESSAGE).is_some() {
            rec.status = Some(500);
        }
    }
    let body_failed = body_status.is_some_and(|st| st.raw_text() == "failed");
    if body_failed && rec.is_success() {
        rec.status = Some(500);
    }
    if body_status.is_some_and(|st| st.raw_text() == "cancelled") && rec.is_success() {
        rec.status = Some(499);
    }
    let failed = rec.status.is_some_and(|st| st >= 400);
    if failed && rec.error.is_none() {
        rec.error = Some(ErrorInfo {
            kind: line_code.or(string(BODY_TYPE)).or(string(BODY_CODE)),
            message: string(LINE_MESSAGE).or(string(BODY_MESSAGE)),
        });
    }
    if rec.response.is_none() {
        rec.response = s[OUTPUT]
            .filter(|v| v.kind == Kind::Array)
            .and_then(|v| last_member(v.text, "\"text\""))
            .and_then(|t| first_string(&[Some(t)]));
    }
    // A success with an empty reply has nothing to show; keep `None` rather than "".
    rec.response = rec.response.filter(|r: &JsonStr<'_>| !r.is_empty());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{Format, FormatKind};
    use crate::record::Dim;

    fn parse(line: &str) -> crate::record::Record<'_> {
        Format::new(FormatKind::OpenaiBatch, &[])
            .parse(line.as_bytes())
            .unwrap()
    }

    #[test]
    fn chat_and_responses_bodies() {
        let chat = parse(
            r#"{"id":"batch_req_1","custom_id":"r-1","response":{"status_code":200,"request_id":"req_1","body":{"id":"chatcmpl-1","object":"chat.completion","created":1795442400,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"}}],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}},"error":null}"#,
        );
        assert_eq!(chat.ts.map(|t| t.0), Some(1_795_442_400_000_000));
        assert_eq!((chat.tokens_in, chat.tokens_out), (Some(12), Some(3)));
        assert_eq!(chat.response.unwrap().get(), "Hi");
        assert_eq!(chat.status, Some(200));
        let resp = parse(
            r#"{"custom_id":"r-2","error":null,"id":"batch_req_2","response":{"body":{"created_at":1795442460,"id":"resp_1","model":"gpt-4.1-mini-2025-04-14","object":"response","output":[{"type":"reasoning","id":"rs_1","summary":[]},{"type":"message","id":"msg_1","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Paris.","annotations":[]}]}],"status":"completed","usage":{"input_tokens":20,"input_tokens_details":{"cached_tokens":0},"output_tokens":9,"output_tokens_details":{"reasoning_tokens":4},"total_tokens":29}},"request_id":"req_2","status_code":200}}"#,
        );
        assert_eq!(resp.ts.map(|t| t.0), Some(1_795_442_460_000_000));
        assert_eq!((resp.tokens_in, resp.tokens_out), (Some(20), Some(9)));
        assert_eq!(resp.response.unwrap().get(), "Paris.");
        assert_eq!(
            resp.dim(Dim::Model).unwrap().get(),
            "gpt-4.1-mini-2025-04-14"
        );
        assert_eq!(resp.dim(Dim::Endpoint).unwrap().get(), "response");
    }

    #[test]
    fn failures() {
        let expired = parse(
            r#"{"id":"batch_req_3","custom_id":"r-3","response":null,"error":{"code":"batch_expired","message":"This request could not be executed before the completion window expired."}}"#,
        );
        assert_eq!(expired.status, Some(408));
        assert_eq!(expired.error.unwrap().kind.unwrap().get(), "batch_expired");
        let cancelled = parse(
            r#"{"id":"batch_req_4","custom_id":"r-4","response":null,"error":{"code":"batch_cancelled","message":"This request was cancelled."}}"#,
        );
        assert_eq!(cancelled.status, Some(499));
        let api = parse(
            r#"{"id":"batch_req_5","custom_id":"r-5","response":{"status_code":400,"request_id":"req_5","body":{"error":{"message":"Invalid 'messages'.","type":"invalid_request_error","param":"messages","code":null}}},"error":null}"#,
        );
        assert_eq!(api.status, Some(400));
        let e = api.error.unwrap();
        assert_eq!(e.kind.unwrap().get(), "invalid_request_error");
        assert_eq!(e.message.unwrap().get(), "Invalid 'messages'.");
        let failed = parse(
            r#"{"custom_id":"r-6","response":{"status_code":200,"body":{"object":"response","created_at":1795442400,"status":"failed","error":{"code":"server_error","message":"boom"},"output":[]}},"error":null}"#,
        );
        assert_eq!(failed.status, Some(500));
        assert_eq!(failed.error.unwrap().kind.unwrap().get(), "server_error");
    }
}
