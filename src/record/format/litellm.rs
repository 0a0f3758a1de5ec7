//! LiteLLM proxy logs, after LiteLLM's "StandardLoggingPayload" and "Custom Callbacks" docs: the
//! payload its logging integrations emit (epoch-second float `startTime`/`endTime`,
//! `response_cost`), rows of its spend-log table (`LiteLLM_SpendLogs`: ISO `startTime`/
//! `endTime`, `spend`, `team_id`), and the snake_case callback arguments that custom callbacks
//! write out (`start_time`, `end_time`, `response_cost`, `litellm_call_id`, the response's
//! `usage`, `exception` on failure), which share most field names.

use super::convert::{as_status, error_class_status, first_string};
use super::{extra_slot, Field, LineError, PresetSpec};
use crate::record::json::{last_member, Kind, RawValue};
use crate::record::{Dim, ErrorInfo, JsonStr, Record};
use std::ops::RangeInclusive;

pub static SPEC: PresetSpec = PresetSpec {
    paths: &[
        (Field::RequestId, "id"),
        (Field::RequestId, "request_id"),
        (Field::RequestId, "litellm_call_id"),
        (Field::StartTime, "startTime"),
        (Field::EndTime, "endTime"),
        (Field::StartTime, "start_time"),
        (Field::EndTime, "end_time"),
        // Spend-log rows of recent versions carry the duration; otherwise end − start.
        (Field::LatencyMs, "request_duration_ms"),
        (Field::Model, "model"),
        (Field::Endpoint, "call_type"),
        (Field::CostUsd, "response_cost"),
        (Field::CostUsd, "spend"),
        (Field::TokensIn, "prompt_tokens"),
        (Field::TokensOut, "completion_tokens"),
        // Callback arguments carry the response's usage block instead.
        (Field::TokensIn, "usage.prompt_tokens"),
        (Field::TokensOut, "usage.completion_tokens"),
        (Field::TokensIn, "response_obj.usage.prompt_tokens"),
        (Field::TokensOut, "response_obj.usage.completion_tokens"),
        (Field::Metadata, "metadata"),
    ],
    extra: EXTRA,
    score,
    fixup: Some(fixup),
    many: None,
};

/// Paths only the fix-up reads.
const EXTRA: &[&str] = &[
    // "success" / "failure" in the payload; absent from older spend-log rows, which LiteLLM
    // wrote for successful calls only.
    "status",
    // The team: a spend-log column, or the key's team in the payload's metadata.
    "team_id",
    "metadata.user_api_key_team_id",
    "metadata.team_id",
    // The end user (the `user` of the API request) before the internal user owning the key.
    "end_user",
    "metadata.user_api_key_end_user_id",
    "user",
    "metadata.user_api_key_user_id",
    // A chat request's messages (the last one is the newest turn), or a completion prompt.
    "messages",
    // The response object (or text) and its first choice.
    "response",
    "response.choices[0].message.content",
    "response.choices[0].text",
    // Failures: the payload's error string and error information, or the spend log's copy of
    // the error information inside its metadata.
    "error_str",
    "error_information.error_class",
    "error_information.error_code",
    "error_information.error_message",
    "metadata.error_information.error_class",
    "metadata.error_information.error_code",
    "metadata.error_information.error_message",
    // Callback arguments: the exception of a failed call, and the event type.
    "exception",
    "log_event_type",
];

const STATUS: usize = extra_slot(EXTRA, "status");
const EXCEPTION: usize = extra_slot(EXTRA, "exception");
const EVENT_TYPE: usize = extra_slot(EXTRA, "log_event_type");

/// Keys only LiteLLM writes; a start time (`startTime` or `start_time`) and one of them are
/// required, so `startTime` alone (Langfuse has it too) is not LiteLLM.
const LITELLM_KEYS: &[&str] = &[
    "spend",
    "response_cost",
    "call_type",
    "litellm_call_id",
    "model_group",
    "custom_llm_provider",
    "api_base",
    "cache_hit",
    "litellm_params",
    "hidden_params",
    "model_id",
    "api_key",
    "log_event_type",
    "standard_logging_object",
];

fn score(v: &serde_json::Value) -> u32 {
    use super::value::has_keys;
    let start = ["startTime", "start_time"]
        .iter()
        .any(|k| v.get(*k).is_some_and(|t| t.is_string() || t.is_number()));
    let own = has_keys(v, LITELLM_KEYS);
    if !start || own == 0 {
        return 0;
    }
    1 + own
}
const TENANT: RangeInclusive<usize> =
    extra_slot(EXTRA, "team_id")..=extra_slot(EXTRA, "metadata.team_id");
const USER: RangeInclusive<usize> =
    extra_slot(EXTRA, "end_user")..=extra_slot(EXTRA, "metadata.user_api_key_user_id");
const MESSAGES: usize = extra_slot(EXTRA, "messages");
const RESPONSES: RangeInclusive<usize> =
    extra_slot(EXTRA, "response")..=extra_slot(EXTRA, "response.choices[0].text");
const ERROR_STR: usize = extra_slot(EXTRA, "error_str");
const ERROR_CLASS: [usize; 2] = [
    extra_slot(EXTRA, "error_information.error_class"),
    extra_slot(EXTRA, "metadata.error_information.error_class"),
];
const ERROR_CODE: [usize; 2] = [
    extra_slot(EXTRA, "error_information.error_code"),
    extra_slot(EXTRA, "metadata.error_information.error_code"),
];
const ERROR_MESSAGE: [usize; 4] = [
    extra_slot(EXTRA, "error_str"),
    extra_slot(EXTRA, "exception"),
    extra_slot(EXTRA, "error_information.error_message"),
    extra_slot(EXTRA, "metadata.error_information.error_message"),
];

/// Status from the payload's `status` ("success" → 200; "failure" → the provider's HTTP code
/// from the error information, else the status of its error class, else 500; a number as it
/// is), the team as
/// tenant, the end user (else the key's user), the newest message as prompt, and the error.
fn fixup<'a>(s: &[Option<RawValue<'a>>], rec: &mut Record<'a>) -> Result<(), LineError> {
    let failed = match s[STATUS].filter(|v| v.kind != Kind::Null) {
        None => {
            first_string(&[s[ERROR_STR], s[EXCEPTION]]).is_some()
                || first_string(&[s[EVENT_TYPE]]).is_some_and(|t| t.raw_text() == "failed_api_call")
        }
        Some(v) if v.kind == Kind::String && v.text.eq_ignore_ascii_case("success") => false,
        Some(v) if v.kind == Kind::String && v.text.eq_ignore_ascii_case("failure") => true,
        Some(v) => {
            let status = as_status(v, "status")?;
            if rec.status.is_none() {
                rec.status = Some(status);
            }
            status >= 400
        }
    };
    if rec.status.is_none() {
        rec.status = Some(if failed { failure_status(s) } else { 200 });
    }
    if failed && rec.error.is_none() {
        rec.error = Some(ErrorInfo {
            kind: ERROR_CLASS.iter().find_map(|&i| first_string(&[s[i]])),
            message: ERROR_MESSAGE.iter().find_map(|&i| first_string(&[s[i]])),
        });
    }
    fill_dim(rec, Dim::Tenant, &s[TENANT]);
    fill_dim(rec, Dim::UserId, &s[USER]);
    if rec.prompt.is_none() {
        rec.prompt = s[MESSAGES]
            .and_then(newest_message)
            .filter(|p| !placeholder(p));
    }
    if rec.response.is_none() {
        rec.response = first_string(&s[RESPONSES]).filter(|r| !placeholder(r));
    }
    Ok(())
}

/// The HTTP status of a failure: LiteLLM's `error_code` holds the provider's status as text;
/// without one, the exception class may still tell (`RateLimitError`); else 500.
fn failure_status(s: &[Option<RawValue<'_>>]) -> u16 {
    let code = ERROR_CODE
        .iter()
        .filter_map(|&i| s[i])
        .find_map(|v| match v.kind {
            Kind::String | Kind::Number => v.text.trim().parse::<u16>().ok(),
            _ => None,
        });
    code.filter(|code| (400..=599).contains(code))
        .or_else(|| {
            ERROR_CLASS
                .iter()
                .find_map(|&i| first_string(&[s[i]]))
                .and_then(|class| error_class_status(&class.get()))
        })
        .or_else(|| {
            // A callback's exception text starts with its class: `litellm.RateLimitError: …`.
            first_string(&[s[EXCEPTION]]).and_then(|e| {
                let text = e.get();
                let class = text.split(':').next().unwrap_or("").trim().to_string();
                error_class_status(&class)
            })
        })
        .unwrap_or(500)
}

fn fill_dim<'a>(rec: &mut Record<'a>, dim: Dim, candidates: &[Option<RawValue<'a>>]) {
    if rec.dims[dim as usize].is_none() {
        rec.dims[dim as usize] = first_string(candidates);
    }
}

/// The prompt of a request: a text-completion prompt string, or the `content` string of the
/// last chat message (the newest user turn), which later steps of a conversation vary in
/// where the first message is the same system prompt every time.
fn newest_message(messages: RawValue<'_>) -> Option<JsonStr<'_>> {
    match messages.kind {
        Kind::String => first_string(&[Some(messages)]),
        Kind::Array => last_member(messages.text, "\"content\"")
            .and_then(|content| first_string(&[Some(content)])),
        _ => None,
    }
}

/// LiteLLM writes `{}` or `[]` where message logging is turned off.
fn placeholder(text: &JsonStr<'_>) -> bool {
    matches!(text.raw_text().trim(), "{}" | "[]")
}

#[cfg(test)]
mod tests {
    use super::super::{Format, FormatKind, LineError};
    use crate::record::{CostSource, Dim, Record};

    fn parse(line: &str) -> Result<Record<'_>, LineError> {
        Format::new(FormatKind::Litellm, &[]).parse(line.as_bytes())
    }

    #[test]
    fn standard_logging_payload_success() {
        let r = parse(
            r#"{"id":"chatcmpl-1","trace_id":"t","call_type":"acompletion","stream":false,"response_cost":0.00125,"status":"success","custom_llm_provider":"openai","total_tokens":130,"prompt_tokens":100,"completion_tokens":30,"startTime":1795442400.25,"endTime":1795442401.5,"model":"gpt-4o","model_group":"gpt-4o","api_base":"https://api.openai.com/v1","metadata":{"user_api_key_team_id":"team-a","user_api_key_user_id":"u-key","user_api_key_end_user_id":null},"end_user":"","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Refund \"policy\"?"}],"response":{"id":"chatcmpl-1","choices":[{"index":0,"message":{"role":"assistant","content":"30 days."}}]},"error_str":null,"error_information":{"error_code":"","error_class":"","error_message":""}}"#,
        )
        .unwrap();
        assert_eq!(r.ts.map(|t| t.0), Some(1_795_442_400_250_000));
        assert_eq!(r.latency_ms, Some(1250.0));
        assert_eq!(r.status, Some(200));
        assert_eq!(r.error, None);
        assert_eq!(r.cost_usd, 0.00125);
        assert_eq!(r.cost_source, CostSource::Logged);
        assert_eq!((r.tokens_in, r.tokens_out), (Some(100), Some(30)));
        assert_eq!(r.request_id.unwrap().get(), "chatcmpl-1");
        assert_eq!(r.dim(Dim::Tenant).unwrap().get(), "team-a");
        assert_eq!(r.dim(Dim::UserId).unwrap().get(), "u-key");
        assert_eq!(r.dim(Dim::Endpoint).unwrap().get(), "acompletion");
        assert_eq!(r.prompt.unwrap().get(), "Refund \"policy\"?");
        assert_eq!(r.response.unwrap().get(), "30 days.");
    }

    #[test]
    fn failures_take_the_provider_status() {
        let r = parse(
            r#"{"id":"x","call_type":"acompletion","status":"failure","startTime":1795442400,"endTime":1795442430,"model":"gpt-4o","response_cost":0,"error_str":"Rate limit reached","error_information":{"error_code":"429","error_class":"RateLimitError","error_message":"Rate limit reached"}}"#,
        )
        .unwrap();
        assert_eq!(r.status, Some(429));
        let e = r.error.unwrap();
        assert_eq!(e.kind.unwrap().get(), "RateLimitError");
        assert_eq!(e.message.unwrap().get(), "Rate limit reached");
        let r = parse(r#"{"startTime":1795442400,"call_type":"x","status":"failure"}"#).unwrap();
        assert_eq!(r.status, Some(500));
        let r = parse(r#"{"startTime":1795442400,"call_type":"x","status":"failure","error_information":{"error_code":"","error_class":"NotFoundError"}}"#).unwrap();
        assert_eq!(r.status, Some(404));
        let r = parse(r#"{"startTime":1795442400,"call_type":"x","status":503}"#).unwrap();
        assert_eq!(r.status, Some(503));
        assert_eq!(
            parse(r#"{"startTime":1795442400,"call_type":"x","status":"maybe"}"#).err(),
            Some(LineError::WrongType("status"))
        );
    }

    #[test]
    fn snake_case_callback_arguments() {
        let r = parse(
            r#"{"model":"bedrock/anthropic.claude-3-haiku-20240307-v1:0","litellm_call_id":"c-1","call_type":"completion","start_time":"2026-11-23 14:00:00.250000","end_time":"2026-11-23 14:00:01.000000","response_cost":0.0004,"usage":{"prompt_tokens":40,"completion_tokens":12,"total_tokens":52},"log_event_type":"successful_api_call"}"#,
        )
        .unwrap();
        assert_eq!(r.ts.map(|t| t.0), Some(1_795_442_400_250_000));
        assert_eq!(r.latency_ms, Some(750.0));
        assert_eq!((r.tokens_in, r.tokens_out), (Some(40), Some(12)));
        assert_eq!(r.cost_usd, 0.0004);
        assert_eq!(r.status, Some(200));
        assert_eq!(r.request_id.unwrap().get(), "c-1");
        let failed = parse(
            r#"{"model":"gpt-4o","litellm_call_id":"c-2","start_time":"2026-11-23 14:00:00","end_time":"2026-11-23 14:00:30","response_cost":0,"exception":"litellm.RateLimitError: RateLimitError: OpenAIException - slow down","log_event_type":"failed_api_call"}"#,
        )
        .unwrap();
        assert_eq!(failed.status, Some(429));
        assert!(failed
            .error
            .unwrap()
            .message
            .unwrap()
            .get()
            .contains("slow down"));
    }

    #[test]
    fn spend_log_rows() {
        let r = parse(
            r#"{"request_id":"req-9","call_type":"aembedding","api_key":"88dc28","spend":0.0002,"total_tokens":50,"prompt_tokens":50,"completion_tokens":0,"startTime":"2026-11-23T14:00:00.100000","endTime":"2026-11-23T14:00:00.350000","model":"text-embedding-3-small","user":"internal-7","team_id":"team-b","end_user":"cust-42","metadata":{"spend_logs_metadata":null},"messages":"{}","response":"{}"}"#,
        )
        .unwrap();
        assert_eq!(r.status, Some(200));
        assert_eq!(r.latency_ms, Some(250.0));
        assert_eq!(r.cost_usd, 0.0002);
        assert_eq!(r.request_id.unwrap().get(), "req-9");
        assert_eq!(r.dim(Dim::Tenant).unwrap().get(), "team-b");
        assert_eq!(r.dim(Dim::UserId).unwrap().get(), "cust-42");
        assert_eq!((r.prompt, r.response), (None, None));
    }

    #[test]
    fn duration_column_wins_over_times() {
        let r = parse(
            r#"{"request_id":"r","call_type":"acompletion","spend":0,"startTime":"2026-11-23T14:00:00Z","endTime":"2026-11-23T14:00:02Z","request_duration_ms":1990}"#,
        )
        .unwrap();
        assert_eq!(r.latency_ms, Some(1990.0));
    }

    const PAYLOAD: &str = include_str!("../../../tests/fixtures/formats/litellm_payload.jsonl");
    const SPEND_LOGS: &str =
        include_str!("../../../tests/fixtures/formats/litellm_spend_logs.jsonl");

    #[test]
    fn fixture_lines_decode() {
        let first = parse(PAYLOAD.lines().next().unwrap()).unwrap();
        assert_eq!(
            first.prompt.unwrap().get(),
            "Translate \"good morning\" into Japanese.\nKeep it formal."
        );
        assert_eq!(
            first.response.unwrap().get(),
            "\u{304a}\u{306f}\u{3088}\u{3046}\u{3054}\u{3056}\u{3044}\u{307e}\u{3059}\u{3002}"
        );
        assert_eq!(first.dim(Dim::Tenant).unwrap().get(), "team-support");
        let statuses: Vec<Option<u16>> =
            PAYLOAD.lines().map(|l| parse(l).unwrap().status).collect();
        assert_eq!(statuses, [200, 200, 429, 200, 500, 200].map(Some));

        let spend = parse(SPEND_LOGS.lines().next().unwrap()).unwrap();
        assert_eq!(
            spend.prompt.unwrap().get(),
            "I was charged twice \u{2014} can you \"undo\" the second charge?\nOrder 77-1042."
        );
        assert_eq!(spend.dim(Dim::UserId).unwrap().get(), "cust-981");
        let failed = parse(SPEND_LOGS.lines().nth(2).unwrap()).unwrap();
        assert_eq!(failed.status, Some(400));
        assert_eq!(failed.error.unwrap().kind.unwrap().get(), "BadRequestError");
    }
}
