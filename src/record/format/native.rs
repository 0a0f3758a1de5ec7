//! The native record of the contract: top-level fields named as logwarden names them.

use super::{Field, PresetSpec};

pub static SPEC: PresetSpec = PresetSpec {
    paths: &[
        (Field::Ts, "ts"),
        (Field::RequestId, "request_id"),
        (Field::Status, "status"),
        (Field::LatencyMs, "latency_ms"),
        (Field::Model, "model"),
        (Field::Version, "version"),
        (Field::Endpoint, "endpoint"),
        (Field::Stage, "stage"),
        (Field::Tenant, "tenant"),
        (Field::UserId, "user_id"),
        (Field::TokensIn, "tokens_in"),
        (Field::TokensOut, "tokens_out"),
        (Field::CostUsd, "cost_usd"),
        (Field::Confidence, "confidence"),
        (Field::Rating, "feedback.rating"),
        (Field::Comment, "feedback.comment"),
        (Field::Prompt, "prompt"),
        (Field::Response, "response"),
        (Field::Error, "error"),
        (Field::ErrorType, "error.type"),
        (Field::ErrorMessage, "error.message"),
        (Field::Metadata, "metadata"),
    ],
    extra: &[],
    score,
    fixup: None,
    many: None,
};

/// One point per key only the native record uses, with the right type.
fn score(v: &serde_json::Value) -> u32 {
    use serde_json::Value;
    let number = |k: &str| v.get(k).is_some_and(Value::is_number);
    let mut s = [
        "latency_ms",
        "tokens_in",
        "tokens_out",
        "cost_usd",
        "confidence",
    ]
    .into_iter()
    .filter(|k| number(k))
    .count() as u32;
    if v.get("ts").is_some_and(|t| t.is_string() || t.is_number()) {
        s += 1;
    }
    if v.get("feedback").is_some_and(Value::is_object) {
        s += 1;
    }
    s
}
