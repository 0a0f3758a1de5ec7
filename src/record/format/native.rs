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
    signatures: &[],
    fixup: None,
    many: None,
};
