//! The analysis framework: every report is a fold over records (`observe` → `merge` → `finish`),
//! run per chunk in parallel and merged in chunk order, so one scan can feed several analyses.

pub mod alert;
pub mod all;
pub mod cost;
pub mod findings;
pub mod group;
pub mod latency;
pub mod pii;
pub mod quantile;
pub mod reasons;
pub mod review;
pub mod sli;
pub mod slo;

use crate::record::{Location, Record};

/// One line of input as the analyses see it.
#[derive(Debug, Clone, Copy)]
pub struct Line<'a> {
    pub loc: Location,
    /// The line's text (UTF-8, without its newline).
    pub text: &'a str,
}

/// A fold over the records of a scan.
///
/// The scan makes one accumulator per chunk, feeds it that chunk's lines and records, then
/// merges the accumulators in chunk order; so `merge` must be associative, and outputs that
/// list rows must not depend on how the input was chunked.
pub trait Analysis: Send + Sized {
    type Output;

    /// Sees one record. `line` is the line it came from (a line may hold several records).
    fn observe(&mut self, rec: &Record<'_>, line: &Line<'_>);

    /// Sees every line that is valid JSON, once, before its records: `rec` is the line's
    /// (first) record, or `None` when no record could be typed from it (a field of the wrong
    /// type). For analyses that read the raw line, such as the PII audit.
    fn observe_line(&mut self, _line: &Line<'_>, _rec: Option<&Record<'_>>) {}

    /// Sees every line that is not a JSON object (invalid JSON, invalid UTF-8 with each bad
    /// sequence as U+FFFD, or a top-level array or scalar), once: no record comes from it, but
    /// the PII audit still reads it, as text where it is not JSON.
    fn observe_text_line(&mut self, _line: &Line<'_>) {}

    /// Folds the accumulator of a later chunk into this one.
    fn merge(&mut self, other: Self);

    /// Produces the report.
    fn finish(self) -> Self::Output;
}

/// Declares a struct of analyses that is itself one analysis: each field sees every record and
/// line, merges with the same field of the other accumulator and finishes into the same-named
/// field of the output struct (all finished side by side). The list of analyses is written
/// once, here, and `observe`, `merge` and `finish` follow from it (as BurntSushi's
/// `rust-stats` `Commute` impls let xsv's `stats` merge field by field).
///
/// ```ignore
/// composite_analysis! {
///     /// Docs of the accumulator.
///     pub struct Both<'d> => BothReports {
///         /// Docs of the field.
///         sli: Sli => SliReport,
///         pii: PiiAudit<'d> => PiiReport,
///     }
/// }
/// ```
#[macro_export]
macro_rules! composite_analysis {
    (
        $(#[$meta:meta])*
        pub struct $name:ident $(<$lt:lifetime>)? => $out:ident {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty => $oty:ty ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        pub struct $name $(<$lt>)? {
            $( $(#[$fmeta])* pub $field: $ty, )+
        }

        /// The finished reports, one per analysis of the accumulator.
        pub struct $out {
            $( $(#[$fmeta])* pub $field: $oty, )+
        }

        impl $(<$lt>)? $crate::analysis::Analysis for $name $(<$lt>)? {
            type Output = $out;

            fn observe(
                &mut self,
                rec: &$crate::record::Record<'_>,
                line: &$crate::analysis::Line<'_>,
            ) {
                $( self.$field.observe(rec, line); )+
            }

            fn observe_line(
                &mut self,
                line: &$crate::analysis::Line<'_>,
                rec: Option<&$crate::record::Record<'_>>,
            ) {
                $( self.$field.observe_line(line, rec); )+
            }

            fn observe_text_line(&mut self, line: &$crate::analysis::Line<'_>) {
                $( self.$field.observe_text_line(line); )+
            }

            fn merge(&mut self, other: Self) {
                $( self.$field.merge(other.$field); )+
            }

            /// Finishes every analysis side by side: each finish is independent of the others
            /// and deterministic, so the reports do not depend on the threads.
            fn finish(self) -> $out {
                let Self { $( $field, )+ } = self;
                $( let mut $field = (Some($field), None); )+
                rayon::scope(|s| {
                    $(
                        let slot = &mut $field;
                        s.spawn(move |_| {
                            slot.1 = slot.0.take().map($crate::analysis::Analysis::finish);
                        });
                    )+
                });
                $out { $( $field: $field.1.expect("every finish ran in the scope"), )+ }
            }
        }
    };
}
