//! OpenAI Batch API output lines: `custom_id`, `response.status_code`, `response.body.*`.

use super::{Field, LineError, PresetSpec};
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
    extra: &[],
    signatures: &[&["custom_id", "response"]],
    fixup: Some(fixup),
    many: None,
};

/// A line whose request failed before reaching the model has `"response": null` and an error
/// object; it counts as a server-side failure (500) so it shows in error rates.
fn fixup<'a>(_slots: &[Option<RawValue<'a>>], rec: &mut Record<'a>) -> Result<(), LineError> {
    if rec.status.is_none() && rec.error.is_some() {
        rec.status = Some(500);
    }
    Ok(())
}
