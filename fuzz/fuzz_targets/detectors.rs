//! Fuzz target: see `checks::detector_text` (the bytes' valid UTF-8 runs, as the audit sees them).
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    for chunk in data.utf8_chunks() {
        checks::detector_text(chunk.valid());
    }
});
