//! The columns of the requests table (name, type, meaning) and sets of them: a query builds
//! only the columns it reads.

use crate::record::Dim;

/// One column of the requests table, in table order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Col {
    Ts,
    RequestId,
    Status,
    LatencyMs,
    Model,
    Version,
    Endpoint,
    Stage,
    Tenant,
    UserId,
    TokensIn,
    TokensOut,
    CostUsd,
    CostSource,
    Confidence,
    Rating,
    Success,
    Reasons,
    ErrorType,
    PiiTypes,
    File,
    Line,
    Date,
}

impl Col {
    /// Every column, in table order.
    pub const ALL: [Col; 23] = [
        Col::Ts,
        Col::RequestId,
        Col::Status,
        Col::LatencyMs,
        Col::Model,
        Col::Version,
        Col::Endpoint,
        Col::Stage,
        Col::Tenant,
        Col::UserId,
        Col::TokensIn,
        Col::TokensOut,
        Col::CostUsd,
        Col::CostSource,
        Col::Confidence,
        Col::Rating,
        Col::Success,
        Col::Reasons,
        Col::ErrorType,
        Col::PiiTypes,
        Col::File,
        Col::Line,
        Col::Date,
    ];

    /// The column name in SQL and files.
    pub fn name(self) -> &'static str {
        self.describe().0
    }

    /// The SQL-level type, as documented.
    pub fn type_name(self) -> &'static str {
        self.describe().1
    }

    /// What the column holds, as documented.
    pub fn meaning(self) -> &'static str {
        self.describe().2
    }

    fn describe(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Col::Ts => ("ts", "timestamp", "request time, UTC, microseconds (no zone attached: UTC wall-clock time)"),
            Col::RequestId => ("request_id", "string", "the request's id"),
            Col::Status => ("status", "int32", "HTTP status"),
            Col::LatencyMs => ("latency_ms", "float64", "latency in milliseconds"),
            Col::Model => ("model", "string", "model name"),
            Col::Version => ("version", "string", "deployed release"),
            Col::Endpoint => ("endpoint", "string", "API endpoint"),
            Col::Stage => ("stage", "string", "rollout stage (internal, beta, full)"),
            Col::Tenant => ("tenant", "string", "customer tenant"),
            Col::UserId => ("user_id", "string", "end user"),
            Col::TokensIn => ("tokens_in", "int64", "input tokens"),
            Col::TokensOut => ("tokens_out", "int64", "output tokens"),
            Col::CostUsd => ("cost_usd", "float64", "logged cost, else priced from [prices]; null when neither (unpriced)"),
            Col::CostSource => ("cost_source", "string", "logged, priced or unpriced"),
            Col::Confidence => ("confidence", "float64", "model or guardrail confidence, 0-1"),
            Col::Rating => ("rating", "float64", "user feedback rating (-1, 0, 1)"),
            Col::Success => ("success", "boolean", "true for a 2xx status"),
            Col::Reasons => ("reasons", "string", "failure reasons, ;-joined from low_confidence (confidence < 0.5), negative_feedback (rating < 0), error (non-2xx status or an error object); empty for none"),
            Col::ErrorType => ("error_type", "string", "error.type, null without an error"),
            Col::PiiTypes => ("pii_types", "string", "PII types found anywhere in the record's line, `;`-joined in type order (empty when none); audited only when the query reads this column"),
            Col::File => ("file", "string", "input file"),
            Col::Line => ("line", "int64", "1-based line in the file"),
            Col::Date => ("date", "date", "UTC day of ts, the export's partition key"),
        }
    }

    /// Dimension and label columns, stored as dictionary codes (categorical).
    pub fn is_categorical(self) -> bool {
        self.type_name() == "string" && self != Col::RequestId
    }

    /// The column of a dimension.
    pub fn of_dim(d: Dim) -> Col {
        match d {
            Dim::Model => Col::Model,
            Dim::Version => Col::Version,
            Dim::Endpoint => Col::Endpoint,
            Dim::Stage => Col::Stage,
            Dim::Tenant => Col::Tenant,
            Dim::UserId => Col::UserId,
        }
    }

    pub fn parse(name: &str) -> Option<Col> {
        Col::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// A set of columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSet(u32);

impl ColumnSet {
    pub fn all() -> ColumnSet {
        ColumnSet((1 << Col::ALL.len()) - 1)
    }

    pub fn none() -> ColumnSet {
        ColumnSet(0)
    }

    /// The set of the named columns (other names are ignored).
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> ColumnSet {
        names
            .into_iter()
            .filter_map(Col::parse)
            .fold(ColumnSet::none(), ColumnSet::with)
    }

    pub fn with(self, c: Col) -> ColumnSet {
        ColumnSet(self.0 | 1 << c as u32)
    }

    #[inline]
    pub fn contains(self, c: Col) -> bool {
        self.0 & 1 << c as u32 != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The columns in the set, in table order.
    pub fn iter(self) -> impl Iterator<Item = Col> {
        Col::ALL.into_iter().filter(move |&c| self.contains(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_sets() {
        for (i, c) in Col::ALL.into_iter().enumerate() {
            assert_eq!(c as usize, i);
            assert_eq!(Col::parse(c.name()), Some(c));
            assert!(!c.meaning().is_empty());
        }
        let set = ColumnSet::from_names(["model", "date", "nope"]);
        assert_eq!(set.iter().collect::<Vec<_>>(), [Col::Model, Col::Date]);
        assert_eq!(ColumnSet::all().iter().count(), 23);
        assert!(ColumnSet::none().is_empty());
        assert!(Col::Model.is_categorical() && !Col::RequestId.is_categorical());
        assert_eq!(Col::ALL.iter().filter(|c| c.is_categorical()).count(), 11);
    }
}
