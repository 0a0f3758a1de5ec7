//! AWS Bedrock model-invocation logs (`"schemaType": "ModelInvocationLog"`, as delivered to
//! CloudWatch Logs or S3): `timestamp`, `requestId`, `modelId`, token counts, `errorCode`.

use super::convert::first_string;
use super::{extra_slot, Field, LineError, PresetSpec};
use crate::record::json::{last_member, Kind, RawValue};
use crate::record::{ErrorInfo, JsonStr, Record};
use std::ops::Range;

pub static SPEC: PresetSpec = PresetSpec {
    paths: &[
        (Field::Ts, "timestamp"),
        (Field::RequestId, "requestId"),
        (Field::Model, "modelId"),
        (Field::Endpoint, "operation"),
        (Field::Tenant, "accountId"),
        (Field::UserId, "identity.arn"),
        (Field::TokensIn, "input.inputTokenCount"),
        (Field::TokensOut, "output.outputTokenCount"),
        // Converse and ConverseStream report the service-side latency in the response body.
        (Field::LatencyMs, "output.outputBodyJson.metrics.latencyMs"),
        (
            Field::LatencyMs,
            "output.outputBodyJson.amazon-bedrock-invocationMetrics.invocationLatency",
        ),
        (Field::Metadata, "requestMetadata"),
    ],
    extra: EXTRA,
    score,
    fixup: Some(fixup),
    many: None,
};

/// Paths only the fix-up reads.
const EXTRA: &[&str] = &[
    "errorCode",
    // The request body is the model provider's own shape: the first message of a
    // Converse or Anthropic Messages request (text block or plain string), else the
    // `inputText` of Titan or the `prompt` of Llama, Mistral and Anthropic text models.
    "input.inputBodyJson.messages[0].content[0].text",
    "input.inputBodyJson.messages[0].content",
    "input.inputBodyJson.inputText",
    "input.inputBodyJson.prompt",
    // Likewise the response: Converse, Anthropic Messages, Titan, Llama, Mistral,
    // Anthropic text completions, Cohere.
    "output.outputBodyJson.output.message.content[0].text",
    "output.outputBodyJson.content[0].text",
    "output.outputBodyJson.results[0].outputText",
    "output.outputBodyJson.generation",
    "output.outputBodyJson.outputs[0].text",
    "output.outputBodyJson.completion",
    "output.outputBodyJson.generations[0].text",
    // A streamed response is logged as the array of its chunks; the last one carries the
    // invocation metrics.
    "output.outputBodyJson",
];

const ERROR_CODE: usize = extra_slot(EXTRA, "errorCode");
const PROMPTS: Range<usize> = extra_slot(EXTRA, "input.inputBodyJson.messages[0].content[0].text")
    ..extra_slot(EXTRA, "input.inputBodyJson.prompt") + 1;
const RESPONSES: Range<usize> = extra_slot(
    EXTRA,
    "output.outputBodyJson.output.message.content[0].text",
)
    ..extra_slot(EXTRA, "output.outputBodyJson.generations[0].text") + 1;
const OUTPUT_BODY: usize = extra_slot(EXTRA, "output.outputBodyJson");

/// HTTP statuses of the Bedrock Runtime exceptions (InvokeModel, InvokeModelWithResponseStream,
/// Converse and ConverseStream API references, plus the common AWS errors). Any other code is
/// a failure the table does not know: 500.
const ERROR_STATUS: &[(&str, u16)] = &[
    ("ValidationException", 400),
    ("ServiceQuotaExceededException", 400),
    ("IncompleteSignature", 400),
    ("InvalidParameterValue", 400),
    ("AccessDeniedException", 403),
    ("UnrecognizedClientException", 403),
    ("ExpiredTokenException", 403),
    ("ResourceNotFoundException", 404),
    ("ModelTimeoutException", 408),
    ("ModelErrorException", 424),
    ("ModelStreamErrorException", 424),
    ("ThrottlingException", 429),
    ("ModelNotReadyException", 429),
    ("InternalServerException", 500),
    ("InternalFailure", 500),
    ("ServiceUnavailableException", 503),
    ("ServiceUnavailable", 503),
];

/// The HTTP status of a known Bedrock exception name (also used for the `error.type` of spans
/// that called Bedrock).
pub(super) fn known_error_status(code: &str) -> Option<u16> {
    ERROR_STATUS
        .iter()
        .find(|(name, _)| *name == code)
        .map(|(_, status)| *status)
}

/// The HTTP status a Bedrock error code stands for.
fn error_status(code: &str) -> u16 {
    if let Some((_, status)) = ERROR_STATUS.iter().find(|(name, _)| *name == code) {
        return *status;
    }
    match code.parse::<u16>() {
        Ok(n) if (400..=599).contains(&n) => n,
        _ => 500,
    }
}

/// A string `modelId` with `schemaType` or `requestId` (a native line may well carry a
/// `modelId` of its own), plus a point per other key of the log schema.
fn score(v: &serde_json::Value) -> u32 {
    use super::value::has_keys;
    let model = v.get("modelId").is_some_and(serde_json::Value::is_string);
    let typed =
        v.get("schemaType").and_then(serde_json::Value::as_str) == Some("ModelInvocationLog");
    if !model || !(typed || v.get("requestId").is_some()) {
        return 0;
    }
    2 + u32::from(typed)
        + has_keys(
            v,
            &[
                "timestamp",
                "requestId",
                "operation",
                "accountId",
                "region",
                "input",
                "output",
            ],
        )
}

/// A log line without `errorCode` records a successful invocation (200); one with a code
/// failed with the status of that exception. (Model ARNs are shortened for every preset, in
/// `Format::records`.)
fn fixup<'a>(s: &[Option<RawValue<'a>>], rec: &mut Record<'a>) -> Result<(), LineError> {
    let code = s[ERROR_CODE].filter(|v| v.kind != Kind::Null && !v.text.is_empty());
    if rec.status.is_none() {
        rec.status = Some(match code {
            None => 200,
            Some(v) if v.kind == Kind::String && !v.escaped => error_status(v.text),
            Some(v) if v.kind == Kind::Number => error_status(v.text),
            Some(_) => 500,
        });
    }
    if rec.error.is_none() {
        if let Some(v) = code.filter(|v| matches!(v.kind, Kind::String | Kind::Number)) {
            rec.error = Some(ErrorInfo {
                kind: Some(JsonStr::raw(v.text, v.escaped)),
                message: None,
            });
        }
    }
    if rec.prompt.is_none() {
        rec.prompt = first_string(&s[PROMPTS]);
    }
    if rec.response.is_none() {
        rec.response = first_string(&s[RESPONSES]);
    }
    if rec.latency_ms.is_none() {
        rec.latency_ms = stream_latency(s[OUTPUT_BODY]);
    }
    Ok(())
}

/// The latency of a streamed invocation: `invocationLatency` of the invocation metrics in
/// the last chunk (InvokeModelWithResponseStream), else the `latencyMs` of the metadata event
/// (ConverseStream).
fn stream_latency(body: Option<RawValue<'_>>) -> Option<f64> {
    let body = body.filter(|v| v.kind == Kind::Array)?;
    ["\"invocationLatency\"", "\"latencyMs\""]
        .into_iter()
        .filter_map(|key| last_member(body.text, key))
        .find_map(|v| match v.kind {
            Kind::Number => v
                .text
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && *x >= 0.0),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::super::{Format, FormatKind};
    use crate::record::{CostSource, Dim};

    fn parse(line: &str) -> crate::record::Record<'_> {
        Format::new(FormatKind::Bedrock, &[])
            .parse(line.as_bytes())
            .unwrap()
    }

    #[test]
    fn converse_success() {
        let r = parse(
            r#"{"schemaType":"ModelInvocationLog","schemaVersion":"1.0","timestamp":"2026-11-23T14:00:05Z","accountId":"123456789012","identity":{"arn":"arn:aws:sts::123456789012:assumed-role/app/i-1"},"region":"us-east-1","requestId":"r-1","operation":"Converse","modelId":"anthropic.claude-3-haiku-20240307-v1:0","input":{"inputContentType":"application/json","inputBodyJson":{"messages":[{"role":"user","content":[{"text":"Caf\u00e9 hours?"}]}]},"inputTokenCount":35},"output":{"outputContentType":"application/json","outputBodyJson":{"output":{"message":{"role":"assistant","content":[{"text":"9 to 5"}]}},"stopReason":"end_turn","metrics":{"latencyMs":640},"usage":{"inputTokens":35,"outputTokens":4}},"outputTokenCount":4}}"#,
        );
        assert_eq!(r.status, Some(200));
        assert_eq!(r.latency_ms, Some(640.0));
        assert_eq!(r.tokens_in, Some(35));
        assert_eq!(r.tokens_out, Some(4));
        assert_eq!(
            r.dim(Dim::Model).unwrap().get(),
            "anthropic.claude-3-haiku-20240307-v1:0"
        );
        assert_eq!(r.dim(Dim::Endpoint).unwrap().get(), "Converse");
        assert_eq!(r.dim(Dim::Tenant).unwrap().get(), "123456789012");
        assert_eq!(r.prompt.unwrap().get(), "Café hours?");
        assert_eq!(r.response.unwrap().get(), "9 to 5");
        assert_eq!(r.error, None);
        assert_eq!(r.cost_source, CostSource::Unpriced);
    }

    /// The model as `Format::records` hands it on (ARNs shortened).
    fn model_via_records(line: &str) -> String {
        let mut model = String::new();
        Format::new(FormatKind::Bedrock, &[])
            .records(line.as_bytes(), |r| {
                model = r.dim(Dim::Model).unwrap().get().into_owned()
            })
            .unwrap();
        model
    }

    #[test]
    fn error_codes_map_to_statuses() {
        for (code, status) in [
            ("ThrottlingException", 429),
            ("ValidationException", 400),
            ("AccessDeniedException", 403),
            ("ModelTimeoutException", 408),
            ("InternalServerException", 500),
            ("ServiceUnavailableException", 503),
            ("SomethingNewException", 500),
        ] {
            let line = format!(
                r#"{{"timestamp":"2026-11-23T14:00:00Z","requestId":"r","modelId":"m","errorCode":"{code}","input":{{"inputTokenCount":3}}}}"#
            );
            let r = parse(&line);
            assert_eq!(r.status, Some(status), "{code}");
            assert_eq!(r.error.unwrap().kind.unwrap().get(), code);
        }
        let ok = parse(r#"{"timestamp":"2026-11-23T14:00:00Z","modelId":"m","errorCode":null}"#);
        assert_eq!((ok.status, ok.error), (Some(200), None));
    }

    #[test]
    fn stream_chunks_give_latency_and_arns_shorten() {
        let line = String::from(
            r#"{"timestamp":"2026-11-23T14:00:00Z","requestId":"r","operation":"InvokeModelWithResponseStream","modelId":"arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0","input":{"inputBodyJson":{"messages":[{"role":"user","content":"plain string prompt"}]},"inputTokenCount":9},"output":{"outputBodyJson":[{"type":"message_start"},{"type":"content_block_delta","delta":{"text":"\"latencyMs\": 1"}},{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":9,"outputTokenCount":20,"invocationLatency":1234,"firstByteLatency":300}}],"outputTokenCount":20}}"#,
        );
        let r = parse(&line);
        assert_eq!(r.latency_ms, Some(1234.0));
        assert!(r
            .dim(Dim::Model)
            .unwrap()
            .get()
            .starts_with("arn:aws:bedrock:"));
        assert_eq!(
            model_via_records(&line),
            "us.anthropic.claude-3-5-haiku-20241022-v1:0"
        );
        assert_eq!(r.prompt.unwrap().get(), "plain string prompt");
        assert_eq!(r.response, None);
    }

    #[test]
    fn odd_body_shapes_are_not_errors() {
        let r = parse(
            r#"{"timestamp":"2026-11-23T14:00:00Z","modelId":"amazon.titan-text-express-v1","input":{"inputBodyJson":{"inputText":"hi","messages":7}},"output":{"outputBodyJson":{"results":[{"outputText":"hello"}],"content":{"text":1}}}}"#,
        );
        assert_eq!(r.prompt.unwrap().get(), "hi");
        assert_eq!(r.response.unwrap().get(), "hello");
        assert_eq!(r.latency_ms, None);
    }

    /// The fixture of the integration tests, written after the public log schema.
    const FIXTURE: &str = include_str!("../../../tests/fixtures/formats/bedrock.jsonl");

    #[test]
    fn fixture_lines_decode() {
        let lines: Vec<&str> = FIXTURE.lines().collect();
        let first = parse(lines[0]);
        assert_eq!(
            first.prompt.unwrap().get(),
            "Where is order #4411?\nThe page says \"shipped\" but the caf\u{e9} pickup is closed."
        );
        assert_eq!(first.metadata, Some(r#"{"feature":"order-status"}"#));
        assert_eq!(
            first.dim(Dim::UserId).unwrap().get(),
            "arn:aws:sts::123456789012:assumed-role/support-bot/i-0ab12"
        );
        let invoke = parse(lines[1]);
        assert_eq!(
            invoke.prompt.unwrap().get(),
            "Summarize the refund policy in two sentences."
        );
        assert!(invoke
            .response
            .unwrap()
            .get()
            .starts_with("Refunds are issued"));
        assert_eq!(invoke.latency_ms, None);
        let stream = parse(lines[4]);
        assert_eq!(stream.latency_ms, Some(1500.0));
        assert_eq!(
            model_via_records(lines[4]),
            "meta.llama3-1-8b-instruct-v1:0"
        );
        assert!(stream
            .prompt
            .unwrap()
            .get()
            .contains("three \"quick wins\""));
        let statuses: Vec<Option<u16>> = lines.iter().map(|l| parse(l).status).collect();
        assert_eq!(
            statuses,
            [200, 200, 200, 429, 200, 200, 408, 400, 500, 200].map(Some)
        );
    }
}
