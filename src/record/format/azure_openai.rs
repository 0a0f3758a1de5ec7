//! Azure OpenAI and Azure API Management logs, after the Azure Monitor resource-log schema
//! (`time`, `resourceId`, `category`, `operationName`, `durationMs`, `resultSignature`,
//! `correlationId`, `properties`, as a diagnostic setting writes them to storage or Event
//! Hubs) for the Cognitive Services `RequestResponse` category (`properties`: `modelName`,
//! `modelDeploymentName`, `modelVersion`, often as a JSON string) and APIM `GatewayLogs`
//! (`properties.responseCode`, `lastError`), and after the Log Analytics tables the same logs
//! land in (`AzureDiagnostics`: `TimeGenerated`, `DurationMs`, `ResultSignature`,
//! `properties_s`; `ApiManagementGatewayLogs`: `TotalTime`, `ResponseCode`;
//! `ApiManagementGatewayLlmLog`: `ModelName`, `PromptTokens`, `CompletionTokens`).

use super::value::{
    apply_overrides, first, first_count, first_number, first_text, has_keys, parse_line, time,
};
use super::{Field, LineError, PresetSpec};
use crate::record::{Dim, ErrorInfo, Record};
use serde_json::Value;

pub static SPEC: PresetSpec = PresetSpec {
    paths: &[],
    extra: &[],
    score,
    fixup: None,
    many: Some(read),
};

/// Log Analytics tables this preset reads.
const TABLES: &[&str] = &[
    "AzureDiagnostics",
    "ApiManagementGatewayLogs",
    "ApiManagementGatewayLlmLog",
];

fn score(v: &Value) -> u32 {
    let s = |k: &str| v.get(k).is_some_and(Value::is_string);
    if s("category") && s("time") && (v.get("resourceId").is_some() || s("operationName")) {
        return 3 + has_keys(
            v,
            &[
                "durationMs",
                "resultSignature",
                "properties",
                "correlationId",
                "callerIpAddress",
            ],
        );
    }
    if v.get("Type")
        .and_then(Value::as_str)
        .is_some_and(|t| TABLES.contains(&t))
    {
        return 5;
    }
    if v.get("TimeGenerated").is_some() {
        let llm = has_keys(v, &["ModelName", "PromptTokens", "CompletionTokens"]);
        let gateway = has_keys(v, &["ResponseCode", "TotalTime", "ApiId"]);
        let diagnostics = has_keys(v, &["ResultSignature", "OperationName", "DurationMs"]);
        let best = llm.max(gateway).max(diagnostics);
        if best >= 2 {
            return 2 + best;
        }
    }
    0
}

fn read(
    line: &[u8],
    overrides: &[(Field, String)],
    sink: &mut dyn FnMut(&mut Record<'_>),
) -> Result<usize, LineError> {
    let doc = parse_line(line, "properties")?;
    // `properties` is an object, or (Cognitive Services, and `properties_s` in Log Analytics)
    // the same object written as a JSON string.
    let embedded: Option<Value> = ["properties", "properties_s"]
        .iter()
        .filter_map(|k| doc.get(*k).and_then(Value::as_str))
        .find_map(|s| serde_json::from_str::<Value>(s).ok())
        .filter(Value::is_object);
    let props = doc
        .get("properties")
        .filter(|p| p.is_object())
        .or(embedded.as_ref());
    let mut rec = record(&doc, props)?;
    apply_overrides(&mut rec, &doc, overrides)?;
    sink(&mut rec);
    Ok(1)
}

fn record<'v>(doc: &'v Value, props: Option<&'v Value>) -> Result<Record<'v>, LineError> {
    let p = |paths: &[&str]| props.and_then(|p| first(p, paths));
    let mut rec = Record {
        ts: time(first(doc, &["time", "TimeGenerated", "timestamp"]), "time")?,
        latency_ms: first_number(doc, &["durationMs", "DurationMs", "TotalTime"]),
        tokens_in: first_count(doc, &["PromptTokens"])
            .or_else(|| props.and_then(|p| first_count(p, &["promptTokens", "PromptTokens"]))),
        tokens_out: first_count(doc, &["CompletionTokens"]).or_else(|| {
            props.and_then(|p| first_count(p, &["completionTokens", "CompletionTokens"]))
        }),
        ..Record::default()
    };
    rec.request_id = first_text(doc, &["correlationId", "CorrelationId", "RequestId"]);
    rec.dims[Dim::Model as usize] =
        first_text(doc, &["ModelName", "DeploymentName"]).or_else(|| {
            props.and_then(|p| {
                first_text(
                    p,
                    &[
                        "modelName",
                        "modelDeploymentName",
                        "ModelName",
                        "deploymentName",
                    ],
                )
            })
        });
    rec.dims[Dim::Version as usize] = props.and_then(|p| first_text(p, &["modelVersion"]));
    rec.dims[Dim::Endpoint as usize] =
        first_text(doc, &["operationName", "OperationName", "ApiId"])
            .or_else(|| props.and_then(|p| first_text(p, &["operationId", "apiId"])));
    // Status: APIM's response code to the client, else the result signature (an HTTP status
    // as text for Cognitive Services).
    let status = first_number(doc, &["ResponseCode"])
        .or_else(|| props.and_then(|p| first_number(p, &["responseCode"])))
        .or_else(|| first_number(doc, &["resultSignature", "ResultSignature"]));
    if let Some(code) = status {
        if code.fract() != 0.0 || !(0.0..=999.0).contains(&code) {
            return Err(LineError::WrongType("resultSignature"));
        }
        rec.status = Some(code as u16);
    }
    if rec.status.is_some_and(|s| s >= 400) {
        rec.error = Some(ErrorInfo {
            kind: p(&["lastError.reason"])
                .and_then(Value::as_str)
                .or_else(|| first(doc, &["LastErrorReason"]).and_then(Value::as_str))
                .or_else(|| {
                    first(doc, &["resultSignature", "ResultSignature"]).and_then(Value::as_str)
                })
                .filter(|s| !s.is_empty())
                .map(crate::record::JsonStr::plain),
            message: p(&["lastError.message"])
                .and_then(Value::as_str)
                .or_else(|| {
                    first(doc, &["LastErrorMessage", "resultDescription"]).and_then(Value::as_str)
                })
                .filter(|s| !s.is_empty())
                .map(crate::record::JsonStr::plain),
        });
    }
    Ok(rec)
}

#[cfg(test)]
mod tests {
    use super::super::{Format, FormatKind};
    use crate::record::Dim;

    type Row = (
        Option<i64>,
        String,
        Option<u16>,
        Option<f64>,
        Option<u64>,
        Option<u64>,
    );

    fn row(line: &str) -> Row {
        let mut out = None;
        Format::new(FormatKind::AzureOpenai, &[])
            .records(line.as_bytes(), |r| {
                out = Some((
                    r.ts.map(|t| t.0),
                    r.dim(Dim::Model)
                        .map(|m| m.get().into_owned())
                        .unwrap_or_default(),
                    r.status,
                    r.latency_ms,
                    r.tokens_in,
                    r.tokens_out,
                ))
            })
            .unwrap();
        out.unwrap()
    }

    #[test]
    fn diagnostic_and_gateway_logs() {
        let rr = r#"{"time":"2026-11-23T14:00:00.1234567Z","resourceId":"/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COGNITIVESERVICES/ACCOUNTS/AOAI","category":"RequestResponse","operationName":"ChatCompletions_Create","durationMs":842,"callerIpAddress":"203.0.113.*","correlationId":"c-1","location":"eastus","resultSignature":"200","properties":"{\"apiName\":\"Azure OpenAI API version 2024-10-21\",\"requestTime\":638679600001234567,\"requestLength\":412,\"responseTime\":638679600009654321,\"responseLength\":1620,\"objectId\":\"\",\"streamType\":\"Non-Streaming\",\"modelDeploymentName\":\"chat-prod\",\"modelName\":\"gpt-4o\",\"modelVersion\":\"2024-08-06\"}"}"#;
        assert_eq!(
            row(rr),
            (
                Some(1_795_442_400_123_456),
                "gpt-4o".into(),
                Some(200),
                Some(842.0),
                None,
                None
            )
        );
        let throttled = rr.replace(r#""resultSignature":"200""#, r#""resultSignature":"429""#);
        assert_eq!(row(&throttled).2, Some(429));
        let gw = r#"{"time":"2026-11-23T14:00:01Z","resourceId":"/SUBSCRIPTIONS/X/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.APIMANAGEMENT/SERVICE/APIM","operationName":"Microsoft.ApiManagement/GatewayLogs","category":"GatewayLogs","durationMs":1203,"callerIpAddress":"198.51.100.7","correlationId":"c-2","location":"East US","properties":{"method":"POST","url":"https://apim.example.net/openai/deployments/chat-prod/chat/completions?api-version=2024-10-21","backendResponseCode":503,"responseCode":503,"responseSize":210,"cache":"none","backendTime":1190,"requestSize":380,"apiId":"azure-openai","operationId":"ChatCompletions_Create","clientProtocol":"HTTP/1.1","backendProtocol":"HTTP/1.1","lastError":{"elapsed":1195,"source":"forward-request","reason":"BackendConnectionFailure","message":"The backend is unavailable"}}}"#;
        assert_eq!(
            row(gw),
            (
                Some(1_795_442_401_000_000),
                String::new(),
                Some(503),
                Some(1203.0),
                None,
                None
            )
        );
        let llm = r#"{"TimeGenerated":"2026-11-23T14:00:02Z","CorrelationId":"c-3","DeploymentName":"chat-prod","ModelName":"gpt-4o-2024-08-06","PromptTokens":120,"CompletionTokens":30,"TotalTokens":150,"OperationName":"ChatCompletions_Create","IsStreamCompletion":false,"Type":"ApiManagementGatewayLlmLog"}"#;
        assert_eq!(
            row(llm),
            (
                Some(1_795_442_402_000_000),
                "gpt-4o-2024-08-06".into(),
                None,
                None,
                Some(120),
                Some(30)
            )
        );
    }
}
