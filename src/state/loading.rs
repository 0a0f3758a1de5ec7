//! What a durable state does not hold but needs once loaded: the index of its first input file
//! among the run's files, and the run's SLO plan and review options. Set for the time of one
//! decode (`Loading::scope`), read by the `Deserialize` impls of `Location`, `FileIndex`,
//! `Slo` and `Review`.

use crate::analysis::review::ReviewOptions;
use crate::analysis::slo::SloPlan;
use std::cell::RefCell;
use std::sync::Arc;

/// The context of one decode.
#[derive(Clone)]
pub struct Loading {
    /// Added to every file index of the state: the number of files loaded before it.
    pub file_base: u32,
    /// Added to every line number: the lines of a file before the part this state folded.
    pub line_base: u64,
    pub slo: Arc<SloPlan>,
    pub review: Arc<ReviewOptions>,
}

thread_local! {
    static CURRENT: RefCell<Option<Loading>> = const { RefCell::new(None) };
}

impl Loading {
    /// Runs `f` (a decode) with this context, restoring the previous one after.
    pub fn scope<R>(&self, f: impl FnOnce() -> R) -> R {
        let before = CURRENT.with(|c| c.replace(Some(self.clone())));
        let out = f();
        CURRENT.with(|c| *c.borrow_mut() = before);
        out
    }
}

/// The file base of the current decode (0 outside one).
pub fn file_base() -> u32 {
    CURRENT.with(|c| c.borrow().as_ref().map_or(0, |l| l.file_base))
}

/// The line base of the current decode (0 outside one).
pub fn line_base() -> u64 {
    CURRENT.with(|c| c.borrow().as_ref().map_or(0, |l| l.line_base))
}

/// The SLO plan of the current decode (the default plan outside one).
pub fn slo_plan() -> Arc<SloPlan> {
    CURRENT
        .with(|c| c.borrow().as_ref().map(|l| Arc::clone(&l.slo)))
        .unwrap_or_else(|| Arc::new(SloPlan::new(&crate::config::Config::default(), None)))
}

/// The review options of the current decode (defaults outside one).
pub fn review_options() -> Arc<ReviewOptions> {
    CURRENT
        .with(|c| c.borrow().as_ref().map(|l| Arc::clone(&l.review)))
        .unwrap_or_else(|| Arc::new(ReviewOptions::default_for_loading()))
}
