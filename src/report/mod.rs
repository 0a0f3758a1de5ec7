//! Report writers: self-contained HTML pages (inline CSS and SVG, no script, no network) and
//! Markdown, built from finished analyses. Charts come from [`svg`], the page shell and
//! its print-friendly stylesheet from [`page`], so every page looks alike.

pub mod index_html;
pub mod markup;
pub mod page;
pub mod review_html;
pub mod review_md;
pub mod review_tables;
pub mod svg;

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A rate as a percentage for people (`3.2%`, `0.05%`); `–` when unknown.
pub fn fmt_pct(rate: Option<f64>) -> String {
    match rate {
        Some(r) if r.is_finite() => {
            let p = r * 100.0;
            if p != 0.0 && p.abs() < 0.1 {
                format!("{p:.2}%")
            } else {
                format!("{p:.1}%")
            }
        }
        _ => "–".into(),
    }
}

/// A fraction as a percentage for headline figures and alert rows: one decimal and a space
/// (`98.0 %`), with a second or third decimal only where one would round a value that is not
/// exactly 0 or 1 to `0.0 %` or `100.0 %` (`99.96 %`); `–` when unknown.
pub fn fmt_percent(rate: Option<f64>) -> String {
    let Some(r) = rate.filter(|r| r.is_finite()) else {
        return "–".into();
    };
    let p = r * 100.0;
    for decimals in 1..=3 {
        let s = format!("{p:.decimals$}");
        let shown: f64 = s.parse().unwrap_or(p);
        let misleading = (shown == 100.0 && r < 1.0) || (shown == 0.0 && r > 0.0);
        if !misleading || decimals == 3 {
            return format!("{s} %");
        }
    }
    unreachable!("the loop returns at 3 decimals")
}

/// `n` and a noun, plural unless `n` is 1: `1 record`, `1,204 records`.
pub fn plural(n: u64, noun: &str) -> String {
    format!("{} {noun}{}", fmt_count(n), if n == 1 { "" } else { "s" })
}

/// A count with thousands separators, for pages (CSV keeps plain numbers).
pub fn fmt_count(n: u64) -> String {
    crate::skip::thousands(n)
}

/// A signed change of a count, with its relative size when there was a previous value:
/// `+12 (+8.5%)`, `−3`, `±0`.
pub fn fmt_change(current: u64, previous: u64) -> String {
    let d = current as i64 - previous as i64;
    let sign = match d.signum() {
        1 => "+",
        -1 => "−",
        _ => "±",
    };
    let abs = fmt_count(d.unsigned_abs());
    if previous > 0 && d != 0 {
        format!(
            "{sign}{abs} ({sign}{:.0}%)",
            (d.abs() as f64 / previous as f64) * 100.0
        )
    } else {
        format!("{sign}{abs}")
    }
}

/// A signed change between two rates in percentage points: `+0.4 pts`.
pub fn fmt_rate_change(current: Option<f64>, previous: Option<f64>) -> String {
    match (current, previous) {
        (Some(c), Some(p)) => {
            let d = (c - p) * 100.0;
            if d.abs() < 0.005 {
                "±0 pts".into()
            } else if d > 0.0 {
                format!("+{d:.2} pts")
            } else {
                format!("−{:.2} pts", -d)
            }
        }
        _ => "–".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(
            escape_html("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(fmt_pct(Some(0.032)), "3.2%");
        assert_eq!(fmt_pct(Some(0.0005)), "0.05%");
        assert_eq!(fmt_pct(None), "–");
        assert_eq!(fmt_percent(Some(0.98)), "98.0 %");
        assert_eq!(fmt_percent(Some(0.9996)), "99.96 %");
        assert_eq!(fmt_percent(Some(0.99999)), "99.999 %");
        assert_eq!(fmt_percent(Some(1.0)), "100.0 %");
        assert_eq!(fmt_percent(Some(0.0004)), "0.04 %");
        assert_eq!(fmt_percent(Some(0.0)), "0.0 %");
        assert_eq!(fmt_percent(None), "–");
        assert_eq!(fmt_change(112, 100), "+12 (+12%)");
        assert_eq!(fmt_change(3, 6), "−3 (−50%)");
        assert_eq!(fmt_change(5, 0), "+5");
        assert_eq!(fmt_change(4, 4), "±0");
        assert_eq!(fmt_rate_change(Some(0.05), Some(0.046)), "+0.40 pts");
        assert_eq!(fmt_rate_change(Some(0.01), None), "–");
    }
}
