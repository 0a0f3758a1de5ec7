//! Credentials in URLs and connection strings: `scheme://user:password@host` (postgres, mysql,
//! mongodb(+srv), redis, amqp, JDBC's inner URL, http, ftp, …). The finding runs from the
//! scheme through the password, so redaction keeps the host and path readable.

use super::placeholder::is_placeholder;

/// Passwords of documentation and examples, compared case-insensitively.
const SAMPLE_PASSWORDS: [&str; 12] = [
    "password",
    "passwd",
    "pass",
    "secret",
    "changeme",
    "example",
    "admin",
    "root",
    "pwd",
    "mypassword",
    "yourpassword",
    "p@ssw0rd",
];

/// A byte allowed in the userinfo part of a URL as it appears in logs.
fn userinfo(c: u8) -> bool {
    c > b' '
        && c != 0x7f
        && !matches!(
            c,
            b'/' | b'@' | b'"' | b'\'' | b'<' | b'>' | b'?' | b'#' | b'\\' | b'`'
        )
}

/// URL_CREDENTIALS: the automaton matched `://` at `s`; returns `scheme://user:password` when
/// a non-placeholder password of four or more characters is followed by `@` and a host.
pub(super) fn url_credentials(t: &str, s: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    let mut st = s;
    while st > 0
        && s - st < 24
        && (b[st - 1].is_ascii_alphanumeric() || matches!(b[st - 1], b'+' | b'.' | b'-'))
    {
        st -= 1;
    }
    if st == s || !b[st].is_ascii_alphabetic() {
        return None;
    }
    let u = s + 3;
    let n = b[u..]
        .iter()
        .take(256)
        .take_while(|&&c| userinfo(c))
        .count();
    let at = u + n;
    if b.get(at) != Some(&b'@')
        || !b
            .get(at + 1)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'[')
    {
        return None;
    }
    let info = &b[u..at];
    let colon = info.iter().position(|&c| c == b':')?;
    let (user, password) = (&info[..colon], &info[colon + 1..]);
    let sample = SAMPLE_PASSWORDS
        .iter()
        .any(|p| password.eq_ignore_ascii_case(p.as_bytes()));
    let template = password
        .first()
        .is_some_and(|c| matches!(c, b'$' | b'{' | b'%' | b'*' | b'['));
    let ok = password.len() >= 4
        && !sample
        && !template
        && password != user
        && !is_placeholder(password)
        && !password
            .iter()
            .all(|&c| c == b'*' || c == b'x' || c == b'X');
    ok.then_some((st, at))
}

#[cfg(test)]
mod tests {
    use super::super::{Detectors, PiiConfig};

    fn found(text: &str) -> Vec<(String, String)> {
        Detectors::new(&PiiConfig::default()).unwrap().found(text)
    }

    #[test]
    fn connection_strings_with_passwords() {
        for (text, value) in [
            (
                "DATABASE_URL=postgres://admin:S3cr3tP4ssw0rd!@db.internal:5432/prod",
                "postgres://admin:S3cr3tP4ssw0rd!",
            ),
            (
                "mysql://app:Tq7-vLm2x9@db-7.shop.internal/shop",
                "mysql://app:Tq7-vLm2x9",
            ),
            (
                "uri: mongodb+srv://svc:Zx81kPq4Lw@cluster0.ab1cd.mongodb.net/db",
                "mongodb+srv://svc:Zx81kPq4Lw",
            ),
            ("redis://:Hj3kL9qW2e@cache:6379/0", "redis://:Hj3kL9qW2e"),
            (
                "amqps://bus:Rk2%40x9Lq@mq.corp/vhost",
                "amqps://bus:Rk2%40x9Lq",
            ),
            (
                "jdbc:postgresql://etl:Mv8qZ2wX4n@pg:5432/dw",
                "postgresql://etl:Mv8qZ2wX4n",
            ),
            (
                "fetch https://deploy:9fKq2LmX7v@git.corp.example/repo.git",
                "https://deploy:9fKq2LmX7v",
            ),
        ] {
            assert_eq!(
                found(text),
                [("URL_CREDENTIALS".to_string(), value.to_string())],
                "{text}"
            );
        }
    }

    #[test]
    fn sample_and_templated_credentials_are_not_findings() {
        for text in [
            "postgres://user:password@localhost:5432/db",
            "postgres://postgres:postgres@localhost/db",
            "mysql://root:${MYSQL_PASSWORD}@db/app",
            "redis://:{{ redis_password }}@cache",
            "amqp://guest:****@mq",
            "https://user:xxxxxxxx@example.org",
            "https://example.org/path?a=b",
            "https://bob@corp.io/",
            "mailto:bob@corp.io",
            "://:abc@",
            "mongodb://admin:<password>@host",
        ] {
            assert!(
                found(text).iter().all(|(t, _)| t != "URL_CREDENTIALS"),
                "{text} -> {:?}",
                found(text)
            );
        }
    }
}
