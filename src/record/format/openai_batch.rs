//! OpenAI Batch API output lines: `custom_id`, `response.status_code`, `response.body.*`.

use super::{Field, PresetSpec};
use crate::record::json::RawValue;
use crate::record::Record;

pub static SPEC: PresetSpec = PresetSpec {
    paths: &[
        (Field::Ts, "response.body.created"),
        (Field::RequestId, "custom_id"),
        (Field::Status, "response.status_code"),
        (Field::Model, "response.body.model"),
        (Field::TokensIn, "response.body.usage.prompt_tokens"),
        (Field::TokensOut, "response.body.usage.completion_tokens"),
        (Field::Response, "response.body.choices[0].message.content"),
        (Field::Error, "error"),
        (Field::ErrorType, "error.code"),
        (Field::ErrorMessage, "error.message"),
        (Field::Metadata, "response.body.metadata"),
    ],
    signature: &["custom_id", "response"],
    fixup: Some(fixup),
};

/// A line whose request failed before reaching the model has `"response": null` and an error
/// object; it counts as a server-side failure (500) so it shows in error rates.
fn fixup(_slots: &[Option<RawValue<'_>>], rec: &mut Record<'_>) {
    if rec.status.is_none() && rec.error.is_some() {
        rec.status = Some(500);
    }
}
