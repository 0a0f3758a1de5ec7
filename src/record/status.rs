//! The one classification of a request's HTTP status, read by every analysis (SLIs, SLOs,
//! comparisons, cost, the review's reasons and the requests table) so they never disagree.

/// The outcome of a request by its status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusClass {
    /// 2xx.
    Success,
    /// 429: the service shed load, a capacity problem (a 4xx for the SLIs).
    RateLimited,
    /// Any other 4xx.
    ClientError,
    /// 5xx.
    ServerError,
    /// A status outside 2xx/4xx/5xx (1xx, 3xx, out of range): not a success, and not a
    /// client or server error either.
    Other,
    /// No status: the log itself is incomplete.
    Unknown,
}

impl StatusClass {
    /// Classifies a status code (`None` when the record has none).
    pub fn of(status: Option<u16>) -> StatusClass {
        match status {
            Some(200..=299) => StatusClass::Success,
            Some(429) => StatusClass::RateLimited,
            Some(400..=499) => StatusClass::ClientError,
            Some(500..=599) => StatusClass::ServerError,
            Some(_) => StatusClass::Other,
            None => StatusClass::Unknown,
        }
    }

    /// True for 2xx.
    pub fn is_success(self) -> bool {
        self == StatusClass::Success
    }

    /// True for every 4xx, 429 included (the SLIs' `errors_4xx`).
    pub fn is_4xx(self) -> bool {
        matches!(self, StatusClass::RateLimited | StatusClass::ClientError)
    }

    /// True for 5xx.
    pub fn is_5xx(self) -> bool {
        self == StatusClass::ServerError
    }

    /// True when a status is present and is not 2xx: the request failed by its status. (A
    /// missing status is not a failure of the request, only of the log.)
    pub fn is_failure(self) -> bool {
        !matches!(self, StatusClass::Success | StatusClass::Unknown)
    }

    /// True when the log does not say how the request went: no status, or one that is neither
    /// a success nor an error class (what the RACI routing hands to the data team).
    pub fn is_unclassified(self) -> bool {
        matches!(self, StatusClass::Other | StatusClass::Unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::StatusClass;

    #[test]
    fn every_code_has_one_class() {
        assert_eq!(StatusClass::of(Some(204)), StatusClass::Success);
        assert_eq!(StatusClass::of(Some(429)), StatusClass::RateLimited);
        assert!(StatusClass::of(Some(429)).is_4xx());
        assert!(StatusClass::of(Some(404)).is_4xx());
        assert!(StatusClass::of(Some(503)).is_5xx());
        assert_eq!(StatusClass::of(None), StatusClass::Unknown);
        assert!(!StatusClass::of(None).is_failure());
        for code in [0, 101, 302, 600, 999] {
            let class = StatusClass::of(Some(code));
            assert_eq!(class, StatusClass::Other, "{code}");
            assert!(class.is_failure() && class.is_unclassified(), "{code}");
            assert!(!class.is_4xx() && !class.is_5xx() && !class.is_success());
        }
        assert!(StatusClass::of(Some(500)).is_failure());
        assert!(!StatusClass::of(Some(200)).is_failure());
    }
}
