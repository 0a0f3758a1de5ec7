//! Validators of the prefixed provider secrets added to the registry (LLM APIs, cloud, code and
//! packages, messaging, payments, observability and SaaS): each checks the exact shape the
//! vendor documents after its literal prefix (length, alphabet, separators, embedded markers).

/// `[A-Za-z0-9_-]`: the alphabet of most tokens (base64url).
pub(super) fn tok(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// `[A-Za-z0-9]`.
fn alnum(c: u8) -> bool {
    c.is_ascii_alphanumeric()
}

/// `[0-9a-f]`: lowercase hex, as these vendors print it.
fn hex(c: u8) -> bool {
    c.is_ascii_digit() || (b'a'..=b'f').contains(&c)
}

/// `[A-Za-z0-9+/=]`: standard base64 with padding.
fn b64(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=')
}

/// `[A-Za-z0-9+/=_-]`: either base64 alphabet.
fn b64any(c: u8) -> bool {
    b64(c) || c == b'_' || c == b'-'
}

/// `[A-Z0-9]`.
fn upper_alnum(c: u8) -> bool {
    c.is_ascii_uppercase() || c.is_ascii_digit()
}

/// Left boundary: not glued to a preceding identifier or token.
fn left_ok(b: &[u8], s: usize) -> bool {
    s == 0 || !tok(b[s - 1])
}

/// Length of the run of `class` bytes starting at `i`.
fn run(b: &[u8], i: usize, class: impl Fn(u8) -> bool) -> usize {
    b.get(i..)
        .map_or(0, |r| r.iter().take_while(|&&c| class(c)).count())
}

/// Right boundary: the byte at `e` does not continue a word.
fn right_ok(b: &[u8], e: usize) -> bool {
    !b.get(e).is_some_and(|c| c.is_ascii_alphanumeric())
}

/// The literal of `plen` bytes at `s` (left-bounded), then a maximal run of `class` whose
/// length is in `min..=max`, right-bounded. Returns the span.
fn shaped(
    text: &str,
    s: usize,
    plen: usize,
    class: impl Fn(u8) -> bool,
    min: usize,
    max: usize,
) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    if !left_ok(b, s) {
        return None;
    }
    let n = run(b, s + plen, class);
    let e = s + plen + n;
    (min <= n && n <= max && right_ok(b, e)).then_some((s, e))
}

/// Consumes `n` bytes of `class` at `i` exactly (the next byte must not be of `class`);
/// returns the position after them.
fn exact(b: &[u8], i: usize, class: impl Fn(u8) -> bool + Copy, n: usize) -> Option<usize> {
    (run(b, i, class) == n).then_some(i + n)
}

/// Consumes the byte `c` at `i`.
fn byte(b: &[u8], i: usize, c: u8) -> Option<usize> {
    (b.get(i) == Some(&c)).then_some(i + 1)
}

/// The length of the literal that starts at `s` among `lits` (the automaton matched one).
fn lit_len(b: &[u8], s: usize, lits: &[&str]) -> usize {
    lits.iter()
        .find(|l| b[s..].starts_with(l.as_bytes()))
        .map_or(0, |l| l.len())
}

// ---- LLM APIs ---------------------------------------------------------------------------

/// GOOGLE_API_KEY: `AIza` and 35 base64url characters (Google Cloud, Gemini / AI Studio).
pub(super) fn google_api_key(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 4, tok, 35, 35)
}

/// HUGGINGFACE_TOKEN: `hf_` and 34 letters (user access tokens), `api_org_` and 34 (org).
pub(super) fn huggingface(t: &str, s: usize) -> Option<(usize, usize)> {
    let plen = lit_len(t.as_bytes(), s, &["hf_", "api_org_"]);
    shaped(t, s, plen, alnum, 34, 34)
}

/// GROQ_API_KEY: `gsk_` and 52 alphanumerics.
pub(super) fn groq(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 4, alnum, 52, 52)
}

/// XAI_API_KEY: `xai-` and 80 alphanumerics.
pub(super) fn xai(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 4, alnum, 80, 80)
}

/// OPENROUTER_API_KEY: `sk-or-v1-` and 64 lowercase hex digits.
pub(super) fn openrouter(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 9, hex, 64, 64)
}

/// REPLICATE_API_TOKEN: `r8_` and 37 alphanumerics (40 in all).
pub(super) fn replicate(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 3, alnum, 37, 37)
}

/// PERPLEXITY_API_KEY: `pplx-` and 48 alphanumerics.
pub(super) fn perplexity(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 5, alnum, 48, 48)
}

/// LANGSMITH_API_KEY: `lsv2_pt_` or `lsv2_sk_`, 32 hex, `_`, 10 hex.
pub(super) fn langsmith(t: &str, s: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    if !left_ok(b, s) || !matches!(b.get(s + 5..s + 8), Some(b"pt_" | b"sk_")) {
        return None;
    }
    let i = exact(b, s + 8, hex, 32)?;
    let i = byte(b, i, b'_')?;
    let e = exact(b, i, hex, 10)?;
    right_ok(b, e).then_some((s, e))
}

/// PINECONE_API_KEY: `pcsk_`, 5–8 alphanumerics, `_`, 50–80 alphanumerics.
pub(super) fn pinecone(t: &str, s: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    if !left_ok(b, s) {
        return None;
    }
    let n = run(b, s + 5, alnum);
    if !(5..=8).contains(&n) {
        return None;
    }
    let i = byte(b, s + 5 + n, b'_')?;
    let m = run(b, i, alnum);
    ((50..=80).contains(&m) && right_ok(b, i + m)).then_some((s, i + m))
}

// ---- Cloud ------------------------------------------------------------------------------

/// AWS_BEDROCK_API_KEY: long-term keys `ABSK` + base64 of `BedrockAPIKey-…`; short-term keys
/// `bedrock-api-key-` + base64 of `bedrock.amazonaws.com/…`.
pub(super) fn bedrock(t: &str, s: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    let (plen, marker, min) = if b[s..].starts_with(b"ABSK") {
        (4, &b"QmVkcm9ja0FQSUtleS"[..], 60)
    } else {
        (16, &b"YmVkcm9jay5hbWF6b25hd3MuY29t"[..], 100)
    };
    if !b[s + plen..].starts_with(marker) {
        return None;
    }
    shaped(t, s, plen, b64, min, 4096)
}

/// GCP_SERVICE_ACCOUNT_KEY: the `private_key_id` member of a service-account key file, 40 hex
/// digits (the key itself is a PRIVATE_KEY finding of its own).
pub(super) fn gcp_key_id(t: &str, s: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    let mut i = s + "private_key_id".len();
    let stop = (i + 8).min(b.len());
    while i < stop && matches!(b[i], b'"' | b'\\' | b':' | b' ' | b'\t' | b'=') {
        i += 1;
    }
    let e = exact(b, i, hex, 40)?;
    matches!(b.get(e), Some(b'"' | b'\\' | b'\'')).then_some((i, e))
}

/// AZURE_STORAGE_KEY: `AccountKey=` in a connection string and the 88-character base64 key.
pub(super) fn azure_storage(t: &str, s: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    let i = s + "AccountKey=".len();
    let e = exact(b, i, b64, 88)?;
    (b[e - 2..e] == *b"==").then_some((s, e))
}

/// AZURE_CLIENT_SECRET (Entra ID): three characters, a digit, `Q~`, then 31–34 characters of
/// `[A-Za-z0-9_~.-]`; the automaton finds the `Q~`.
pub(super) fn azure_client_secret(t: &str, s: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    let set = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'~' | b'.' | b'-');
    let start = s.checked_sub(4)?;
    let head = &b[start..s];
    let head_ok = head[..3]
        .iter()
        .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'~' | b'.'))
        && head[3].is_ascii_digit();
    if !head_ok || (start > 0 && set(b[start - 1])) {
        return None;
    }
    let mut n = run(b, s + 2, set);
    // A sentence may end right after the secret.
    while n > 0 && b[s + 2 + n - 1] == b'.' {
        n -= 1;
    }
    let body = &b[s + 2..s + 2 + n];
    let mixed = body.iter().any(u8::is_ascii_digit) && body.iter().any(u8::is_ascii_uppercase);
    ((31..=34).contains(&n) && mixed).then_some((start, s + 2 + n))
}

/// ALIBABA_ACCESS_KEY: `LTAI` and 12–20 alphanumerics.
pub(super) fn alibaba(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 4, alnum, 12, 20)
}

/// TENCENT_SECRET_ID: `AKID` and 32 alphanumerics.
pub(super) fn tencent(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 4, alnum, 32, 32)
}

// ---- Code and packages ------------------------------------------------------------------

/// GITLAB_TOKEN: `glpat-` and the other `gl…-` kinds, 20 or more base64url characters
/// (newer tokens are longer and may carry `.` version parts); `glptt-` is 40 hex.
pub(super) fn gitlab(t: &str, s: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    let plen = run(b, s, |c| c.is_ascii_lowercase()) + 1;
    if b[s..].starts_with(b"glptt-") {
        return shaped(t, s, plen, hex, 40, 40);
    }
    let (s, mut e) = shaped(t, s, plen, |c| tok(c) || c == b'.', 20, 300)?;
    while b[e - 1] == b'.' {
        e -= 1;
    }
    (e - s - plen >= 20).then_some((s, e))
}

/// BITBUCKET_APP_PASSWORD: `ATBB` and 28–64 alphanumerics.
pub(super) fn bitbucket(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 4, alnum, 28, 64)
}

/// NPM_TOKEN: `npm_` and 36 alphanumerics, the last six a CRC-32 checksum.
pub(super) fn npm(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 4, alnum, 36, 36)
}

/// PYPI_TOKEN: `pypi-` and a base64url macaroon whose location is `pypi.org` or
/// `test.pypi.org` (the fixed first bytes `AgEIcHlwaS5vcmc` / `AgENdGVzdC5weXBpLm9yZw`).
pub(super) fn pypi(t: &str, s: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    let body = &b[s + 5..];
    if !body.starts_with(b"AgEIcHlwaS5vcmc") && !body.starts_with(b"AgENdGVzdC5weXBpLm9yZw") {
        return None;
    }
    shaped(t, s, 5, tok, 60, 4096)
}

/// DOCKER_HUB_TOKEN: `dckr_pat_` / `dckr_oat_` and 20–64 base64url characters.
pub(super) fn docker(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 9, tok, 20, 64)
}

/// RUBYGEMS_API_KEY: `rubygems_` and 48 hex digits.
pub(super) fn rubygems(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 9, hex, 48, 48)
}

/// JFROG_TOKEN: API keys `AKCp` + 69 alphanumerics; reference tokens, base64 of `reftkn:01:…`.
pub(super) fn jfrog(t: &str, s: usize) -> Option<(usize, usize)> {
    if t.as_bytes()[s..].starts_with(b"AKCp") {
        shaped(t, s, 4, alnum, 69, 69)
    } else {
        shaped(t, s, 0, b64, 64, 64)
    }
}

/// CLOJARS_TOKEN: `CLOJARS_` and 60 alphanumerics.
pub(super) fn clojars(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 8, alnum, 60, 60)
}

/// CIRCLECI_TOKEN: `CCIPAT_`, 22 alphanumerics, `_`, 40 hex.
pub(super) fn circleci(t: &str, s: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    if !left_ok(b, s) {
        return None;
    }
    let i = exact(b, s + 7, alnum, 22)?;
    let i = byte(b, i, b'_')?;
    let e = exact(b, i, hex, 40)?;
    right_ok(b, e).then_some((s, e))
}

/// BUILDKITE_TOKEN: `bkua_` and 40 hex.
pub(super) fn buildkite(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 5, hex, 40, 40)
}

/// PULUMI_TOKEN: `pul-` and 40 hex.
pub(super) fn pulumi(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 4, hex, 40, 40)
}

/// TERRAFORM_CLOUD_TOKEN: 14 alphanumerics, `.atlasv1.`, 60–70 base64url characters.
pub(super) fn terraform(t: &str, s: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    let start = s.checked_sub(14)?;
    if run(b, start, alnum) != 14 || !left_ok(b, start) {
        return None;
    }
    let n = run(b, s + 9, tok);
    ((60..=70).contains(&n)).then_some((start, s + 9 + n))
}

/// VAULT_TOKEN: `hvs.` / `hvb.` / `hvr.` and 24 or more base64url characters.
pub(super) fn vault(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 4, tok, 24, 512)
}

/// DOPPLER_TOKEN: `dp.pt.`, `dp.st.`, `dp.sa.`, `dp.ct.`, `dp.scim.` or `dp.audit.`, then 40–44
/// alphanumerics.
pub(super) fn doppler(t: &str, s: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    let kind = run(b, s + 3, |c| c.is_ascii_lowercase());
    if !matches!(
        &b[s + 3..s + 3 + kind],
        b"pt" | b"st" | b"sa" | b"ct" | b"scim" | b"audit"
    ) {
        return None;
    }
    byte(b, s + 3 + kind, b'.')?;
    shaped(t, s, 4 + kind, alnum, 40, 44)
}

/// TAILSCALE_KEY: `tskey-`, a kind (`auth`, `client`, `api`, `webhook`, `scim`), then an id
/// and a secret of 20 or more characters separated by `-`.
pub(super) fn tailscale(t: &str, s: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    let kind = run(b, s + 6, |c| c.is_ascii_lowercase());
    if !matches!(
        &b[s + 6..s + 6 + kind],
        b"auth" | b"client" | b"api" | b"webhook" | b"scim"
    ) {
        return None;
    }
    let (s, e) = shaped(t, s, 6 + kind, tok, 30, 120)?;
    let last = b[s..e].rsplit(|&c| c == b'-').next()?;
    (last.len() >= 20).then_some((s, e))
}

/// AGE_SECRET_KEY: `AGE-SECRET-KEY-1` and 58 bech32 characters (uppercase).
pub(super) fn age(t: &str, s: usize) -> Option<(usize, usize)> {
    let bech32 = |c: u8| {
        (c.is_ascii_uppercase() && !matches!(c, b'B' | b'I' | b'O'))
            || (c.is_ascii_digit() && c != b'1')
    };
    shaped(t, s, 16, bech32, 58, 58)
}

/// ONEPASSWORD_SERVICE_TOKEN: `ops_eyJ` and 100 or more base64 characters.
pub(super) fn onepassword(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 4, b64any, 100, 4096)
}

/// FLYIO_TOKEN: `fm2_` macaroons, 64 or more base64 characters.
pub(super) fn flyio(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 4, b64any, 64, 4096)
}

// ---- Messaging --------------------------------------------------------------------------

/// DISCORD_WEBHOOK: `discord.com/api/webhooks/` (or `discordapp.com`), a 17–20 digit id, `/`,
/// and a 60–70 character token; the scheme before the host is part of the finding.
pub(super) fn discord_webhook(t: &str, s: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    let host = lit_len(
        b,
        s,
        &["discordapp.com/api/webhooks/", "discord.com/api/webhooks/"],
    );
    let start = ["https://", "http://"]
        .iter()
        .find(|p| s >= p.len() && b[s - p.len()..s].eq_ignore_ascii_case(p.as_bytes()))
        .map_or(s, |p| s - p.len());
    let id = run(b, s + host, |c| c.is_ascii_digit());
    if !(17..=20).contains(&id) {
        return None;
    }
    let i = byte(b, s + host + id, b'/')?;
    let n = run(b, i, tok);
    ((60..=70).contains(&n)).then_some((start, i + n))
}

/// TELEGRAM_BOT_TOKEN: an 8–10 digit bot id, `:AA`, and 33 base64url characters; the
/// automaton finds the `:AA`.
pub(super) fn telegram(t: &str, s: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    let mut start = s;
    while start > 0 && b[start - 1].is_ascii_digit() && s - start <= 10 {
        start -= 1;
    }
    // The Bot API puts the token in the URL path right after `bot`: `…/bot123456789:AA…/getMe`.
    let in_bot_url = start >= 4 && &b[start - 4..start] == b"/bot";
    if !(8..=10).contains(&(s - start)) || !(left_ok(b, start) || in_bot_url) {
        return None;
    }
    let n = run(b, s + 3, tok);
    (n == 33).then_some((start, s + 3 + n))
}

/// SENDGRID_API_KEY: `SG.`, 22 base64url characters, `.`, 43 base64url characters.
pub(super) fn sendgrid(t: &str, s: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    if !left_ok(b, s) {
        return None;
    }
    let i = exact(b, s + 3, tok, 22)?;
    let i = byte(b, i, b'.')?;
    let e = exact(b, i, tok, 43)?;
    Some((s, e))
}

/// MAILGUN_API_KEY: `key-` and 32 lowercase hex digits (private API keys).
pub(super) fn mailgun(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 4, hex, 32, 32)
}

// ---- Payments ---------------------------------------------------------------------------

/// SQUARE_TOKEN: access tokens `EAAA` + 60 base64url characters; legacy `sq0atp-` + 22 and
/// OAuth secrets `sq0csp-` + 43.
pub(super) fn square(t: &str, s: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    if b[s..].starts_with(b"EAAA") {
        shaped(t, s, 4, tok, 60, 60)
    } else if b[s..].starts_with(b"sq0atp-") {
        shaped(t, s, 7, tok, 22, 22)
    } else {
        shaped(t, s, 7, tok, 43, 43)
    }
}

/// SHOPIFY_TOKEN: `shpat_`, `shpca_`, `shppa_` or `shpss_` and 32 hex digits.
pub(super) fn shopify(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 6, |c| c.is_ascii_hexdigit(), 32, 32)
}

/// BRAINTREE_TOKEN: `access_token$production$` (or `$sandbox$`), 16 alphanumerics, `$`, 32
/// hex digits.
pub(super) fn braintree(t: &str, s: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    let env = lit_len(b, s, &["access_token$production$", "access_token$sandbox$"]);
    if env == 0 {
        return None;
    }
    let i = exact(b, s + env, alnum, 16)?;
    let i = byte(b, i, b'$')?;
    let e = exact(b, i, hex, 32)?;
    right_ok(b, e).then_some((s, e))
}

/// SHIPPO_TOKEN: `shippo_live_` / `shippo_test_` and 40 hex digits.
pub(super) fn shippo(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 12, hex, 40, 40)
}

/// EASYPOST_API_KEY: `EZAK` / `EZTK` and 54 alphanumerics.
pub(super) fn easypost(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 4, alnum, 54, 54)
}

/// DUFFEL_TOKEN: `duffel_live_` / `duffel_test_` and 43 base64url characters.
pub(super) fn duffel(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 12, tok, 43, 43)
}

/// FLUTTERWAVE_SECRET_KEY: `FLWSECK-` (or `FLWSECK_TEST-`), 32 hex digits, `-X`.
pub(super) fn flutterwave(t: &str, s: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    let plen = lit_len(b, s, &["FLWSECK_TEST-", "FLWSECK-"]);
    if !left_ok(b, s) {
        return None;
    }
    let i = exact(b, s + plen, hex, 32)?;
    let e = byte(b, i, b'-').and_then(|i| byte(b, i, b'X'))?;
    right_ok(b, e).then_some((s, e))
}

// ---- Observability and SaaS -------------------------------------------------------------

/// SENTRY_TOKEN: organization tokens `sntrys_` + base64 (a JSON payload, `eyJ…`); user tokens
/// `sntryu_` + 64 hex.
pub(super) fn sentry(t: &str, s: usize) -> Option<(usize, usize)> {
    if t.as_bytes()[s..].starts_with(b"sntryu_") {
        shaped(t, s, 7, hex, 64, 64)
    } else if t.as_bytes()[s + 7..].starts_with(b"eyJ") {
        shaped(t, s, 7, b64any, 60, 1024)
    } else {
        None
    }
}

/// NEW_RELIC_KEY: user keys `NRAK-` + 27 `[A-Z0-9]`; insert keys `NRII-` + 32 base64url;
/// browser keys `NRJS-` + 19 hex.
pub(super) fn new_relic(t: &str, s: usize) -> Option<(usize, usize)> {
    match &t.as_bytes()[s..s + 4] {
        b"NRAK" => shaped(t, s, 5, upper_alnum, 27, 27),
        b"NRII" => shaped(t, s, 5, tok, 32, 32),
        _ => shaped(t, s, 5, hex, 19, 19),
    }
}

/// GRAFANA_TOKEN: cloud tokens `glc_` + 32 or more base64 characters; service-account tokens
/// `glsa_` + 32 alphanumerics + `_` + 8 hex.
pub(super) fn grafana(t: &str, s: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    if b[s..].starts_with(b"glc_") {
        return shaped(t, s, 4, b64any, 32, 1024);
    }
    if !left_ok(b, s) {
        return None;
    }
    let i = exact(b, s + 5, alnum, 32)?;
    let i = byte(b, i, b'_')?;
    let e = exact(b, i, hex, 8)?;
    right_ok(b, e).then_some((s, e))
}

/// ATLASSIAN_API_TOKEN: `ATATT3` and 150–300 base64url characters ending in `=` and an
/// 8-digit hex check value.
pub(super) fn atlassian(t: &str, s: usize) -> Option<(usize, usize)> {
    let (s, e) = shaped(t, s, 6, |c| tok(c) || c == b'=', 150, 300)?;
    let b = t.as_bytes();
    let tail = &b[e - 9..e];
    (tail[0] == b'=' && tail[1..].iter().all(u8::is_ascii_hexdigit)).then_some((s, e))
}

/// DATABRICKS_TOKEN: `dapi` and 32 hex digits, optionally `-` and a digit.
pub(super) fn databricks(t: &str, s: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    if !left_ok(b, s) {
        return None;
    }
    let mut e = exact(b, s + 4, hex, 32)?;
    if b.get(e) == Some(&b'-') && b.get(e + 1).is_some_and(u8::is_ascii_digit) {
        e += 2;
    }
    right_ok(b, e).then_some((s, e))
}

/// HEROKU_API_KEY: `HRKU-` and 30–80 base64url characters.
pub(super) fn heroku(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 5, tok, 30, 80)
}

/// DIGITALOCEAN_TOKEN: `dop_v1_`, `doo_v1_` or `dor_v1_` and 64 hex digits.
pub(super) fn digitalocean(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 7, hex, 64, 64)
}

/// LINEAR_API_KEY: `lin_api_` + 40 alphanumerics; OAuth tokens `lin_oauth_` + 64 hex.
pub(super) fn linear(t: &str, s: usize) -> Option<(usize, usize)> {
    if t.as_bytes()[s..].starts_with(b"lin_api_") {
        shaped(t, s, 8, alnum, 40, 40)
    } else {
        shaped(t, s, 10, hex, 64, 64)
    }
}

/// NOTION_TOKEN: `ntn_` + 46 alphanumerics (integration tokens since 2024); legacy
/// `secret_` + 43 alphanumerics.
pub(super) fn notion(t: &str, s: usize) -> Option<(usize, usize)> {
    if t.as_bytes()[s..].starts_with(b"ntn_") {
        shaped(t, s, 4, alnum, 46, 46)
    } else {
        shaped(t, s, 7, alnum, 43, 43)
    }
}

/// POSTMAN_API_KEY: `PMAK-`, 24 hex, `-`, 34 hex.
pub(super) fn postman(t: &str, s: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    if !left_ok(b, s) {
        return None;
    }
    let i = exact(b, s + 5, hex, 24)?;
    let i = byte(b, i, b'-')?;
    let e = exact(b, i, hex, 34)?;
    right_ok(b, e).then_some((s, e))
}

/// AIRTABLE_TOKEN: `pat`, 14 alphanumerics, `.`, 64 hex digits.
pub(super) fn airtable(t: &str, s: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    if !left_ok(b, s) {
        return None;
    }
    let i = exact(b, s + 3, alnum, 14)?;
    let i = byte(b, i, b'.')?;
    let e = exact(b, i, hex, 64)?;
    right_ok(b, e).then_some((s, e))
}

/// FIGMA_TOKEN: `figd_` and 38–48 base64url characters.
pub(super) fn figma(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 5, tok, 38, 48)
}

/// CLOUDFLARE_ORIGIN_CA_KEY: `v1.0-`, 24 hex, `-`, 146 hex.
pub(super) fn cloudflare_origin_ca(t: &str, s: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    if !left_ok(b, s) {
        return None;
    }
    let i = exact(b, s + 5, hex, 24)?;
    let i = byte(b, i, b'-')?;
    let e = exact(b, i, hex, 146)?;
    right_ok(b, e).then_some((s, e))
}

/// VERCEL_TOKEN: `vcp_`, `vci_`, `vca_`, `vcr_` or `vck_` and 24–64 alphanumerics.
pub(super) fn vercel(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 4, alnum, 24, 64)
}

/// SUPABASE_TOKEN: personal access tokens `sbp_` + 40 hex; secret keys `sb_secret_` + 20–64
/// base64url characters.
pub(super) fn supabase(t: &str, s: usize) -> Option<(usize, usize)> {
    if t.as_bytes()[s..].starts_with(b"sbp_") {
        shaped(t, s, 4, hex, 40, 40)
    } else {
        shaped(t, s, 10, tok, 20, 64)
    }
}

/// MAPBOX_SECRET_TOKEN: `sk.eyJ`, a base64url payload, `.`, and 20 or more characters.
pub(super) fn mapbox(t: &str, s: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    if !left_ok(b, s) {
        return None;
    }
    let n = run(b, s + 3, tok);
    let i = byte(b, s + 3 + n, b'.')?;
    let m = run(b, i, tok);
    (n >= 40 && m >= 20).then_some((s, i + m))
}

/// PLANETSCALE_TOKEN: `pscale_tkn_`, `pscale_pw_` or `pscale_oauth_` and 32–64 base64url
/// characters.
pub(super) fn planetscale(t: &str, s: usize) -> Option<(usize, usize)> {
    let plen = lit_len(
        t.as_bytes(),
        s,
        &["pscale_oauth_", "pscale_tkn_", "pscale_pw_"],
    );
    (plen > 0).then_some(())?;
    shaped(t, s, plen, tok, 32, 64)
}

/// CONTENTFUL_TOKEN: `CFPAT-` and 43 base64url characters.
pub(super) fn contentful(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 6, tok, 43, 43)
}

/// PREFECT_API_KEY: `pnu_` and 36 alphanumerics.
pub(super) fn prefect(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 4, alnum, 36, 36)
}

/// README_API_KEY: `rdme_` and 70 alphanumerics.
pub(super) fn readme(t: &str, s: usize) -> Option<(usize, usize)> {
    shaped(t, s, 5, alnum, 70, 70)
}

/// DYNATRACE_TOKEN: `dt0c01.`, 24 `[A-Z0-9]`, `.`, 64 `[A-Z0-9]`.
pub(super) fn dynatrace(t: &str, s: usize) -> Option<(usize, usize)> {
    let b = t.as_bytes();
    if !left_ok(b, s) {
        return None;
    }
    let i = exact(b, s + 7, upper_alnum, 24)?;
    let i = byte(b, i, b'.')?;
    let e = exact(b, i, upper_alnum, 64)?;
    right_ok(b, e).then_some((s, e))
}

#[cfg(test)]
mod tests {
    use super::super::{checksum, Detectors, PiiConfig};

    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    const TOK: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const HEX: &[u8] = b"0123456789abcdef";
    const HEXUP: &[u8] = b"0123456789ABCDEF";
    const UPNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const DIGITS: &[u8] = b"0123456789";
    const BECH32: &[u8] = b"QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";

    /// Deterministic random text: xorshift seeded by the length and a salt.
    fn rnd(n: usize, alphabet: &[u8]) -> String {
        let mut x: u64 =
            0x2545_F491_4F6C_DD1D ^ (n as u64).wrapping_mul(0x9E37_79B9) ^ alphabet.len() as u64;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                alphabet[(x % alphabet.len() as u64) as usize] as char
            })
            .collect()
    }

    /// One value of every prefixed provider type, written from the vendor's documented format:
    /// (type, literal prefix, value).
    fn cases() -> Vec<(&'static str, &'static str, String)> {
        let npm_body = rnd(30, ALNUM);
        let npm_crc = checksum::base62_6(checksum::crc32(npm_body.as_bytes()));
        vec![
            ("GOOGLE_API_KEY", "AIza", format!("AIza{}", rnd(35, TOK))),
            (
                "HUGGINGFACE_TOKEN",
                "hf_",
                format!("hf_{}", rnd(34, LETTERS)),
            ),
            (
                "HUGGINGFACE_TOKEN",
                "api_org_",
                format!("api_org_{}", rnd(34, ALNUM)),
            ),
            ("GROQ_API_KEY", "gsk_", format!("gsk_{}", rnd(52, ALNUM))),
            ("XAI_API_KEY", "xai-", format!("xai-{}", rnd(80, ALNUM))),
            (
                "OPENROUTER_API_KEY",
                "sk-or-v1-",
                format!("sk-or-v1-{}", rnd(64, HEX)),
            ),
            (
                "REPLICATE_API_TOKEN",
                "r8_",
                format!("r8_{}", rnd(37, ALNUM)),
            ),
            (
                "PERPLEXITY_API_KEY",
                "pplx-",
                format!("pplx-{}", rnd(48, ALNUM)),
            ),
            (
                "LANGSMITH_API_KEY",
                "lsv2_pt_",
                format!("lsv2_pt_{}_{}", rnd(32, HEX), rnd(10, HEX)),
            ),
            (
                "PINECONE_API_KEY",
                "pcsk_",
                format!("pcsk_{}_{}", rnd(6, ALNUM), rnd(63, ALNUM)),
            ),
            (
                "AWS_BEDROCK_API_KEY",
                "ABSK",
                format!("ABSKQmVkcm9ja0FQSUtleS{}", rnd(100, B64)),
            ),
            (
                "AWS_BEDROCK_API_KEY",
                "bedrock-api-key-",
                format!(
                    "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t{}",
                    rnd(120, B64)
                ),
            ),
            (
                "AZURE_STORAGE_KEY",
                "AccountKey=",
                format!("AccountKey={}==", rnd(86, B64)),
            ),
            (
                "AZURE_CLIENT_SECRET",
                "Q~",
                format!("Xy7{}Q~{}", 8, rnd(34, ALNUM)),
            ),
            (
                "ALIBABA_ACCESS_KEY",
                "LTAI",
                format!("LTAI{}", rnd(20, ALNUM)),
            ),
            (
                "TENCENT_SECRET_ID",
                "AKID",
                format!("AKID{}", rnd(32, ALNUM)),
            ),
            (
                "GITLAB_TOKEN",
                "glpat-",
                format!("glpat-{}", rnd(20, ALNUM)),
            ),
            ("GITLAB_TOKEN", "glptt-", format!("glptt-{}", rnd(40, HEX))),
            ("GITLAB_TOKEN", "glrt-", format!("glrt-{}", rnd(27, TOK))),
            (
                "BITBUCKET_APP_PASSWORD",
                "ATBB",
                format!("ATBB{}", rnd(32, ALNUM)),
            ),
            (
                "NPM_TOKEN",
                "npm_",
                format!("npm_{npm_body}{}", std::str::from_utf8(&npm_crc).unwrap()),
            ),
            (
                "PYPI_TOKEN",
                "pypi-",
                format!("pypi-AgEIcHlwaS5vcmc{}", rnd(120, TOK)),
            ),
            (
                "DOCKER_HUB_TOKEN",
                "dckr_pat_",
                format!("dckr_pat_{}", rnd(27, TOK)),
            ),
            (
                "RUBYGEMS_API_KEY",
                "rubygems_",
                format!("rubygems_{}", rnd(48, HEX)),
            ),
            ("JFROG_TOKEN", "AKCp", format!("AKCp{}", rnd(69, ALNUM))),
            (
                "CLOJARS_TOKEN",
                "CLOJARS_",
                format!("CLOJARS_{}", rnd(60, ALNUM)),
            ),
            (
                "CIRCLECI_TOKEN",
                "CCIPAT_",
                format!("CCIPAT_{}_{}", rnd(22, ALNUM), rnd(40, HEX)),
            ),
            ("BUILDKITE_TOKEN", "bkua_", format!("bkua_{}", rnd(40, HEX))),
            ("PULUMI_TOKEN", "pul-", format!("pul-{}", rnd(40, HEX))),
            (
                "TERRAFORM_CLOUD_TOKEN",
                ".atlasv1.",
                format!("{}.atlasv1.{}", rnd(14, ALNUM), rnd(67, TOK)),
            ),
            ("VAULT_TOKEN", "hvs.", format!("hvs.{}", rnd(90, TOK))),
            (
                "DOPPLER_TOKEN",
                "dp.pt.",
                format!("dp.pt.{}", rnd(43, ALNUM)),
            ),
            (
                "TAILSCALE_KEY",
                "tskey-",
                format!("tskey-auth-k{}CNTRL-{}", rnd(10, ALNUM), rnd(33, ALNUM)),
            ),
            (
                "AGE_SECRET_KEY",
                "AGE-SECRET-KEY-1",
                format!("AGE-SECRET-KEY-1{}", rnd(58, BECH32)),
            ),
            (
                "ONEPASSWORD_SERVICE_TOKEN",
                "ops_eyJ",
                format!("ops_eyJ{}", rnd(200, B64)),
            ),
            ("FLYIO_TOKEN", "fm2_", format!("fm2_{}", rnd(120, B64))),
            (
                "DISCORD_WEBHOOK",
                "discord.com/api/webhooks/",
                format!(
                    "https://discord.com/api/webhooks/{}/{}",
                    rnd(18, DIGITS),
                    rnd(68, TOK)
                ),
            ),
            (
                "TELEGRAM_BOT_TOKEN",
                ":AA",
                format!("{}:AA{}", rnd(10, DIGITS), rnd(33, TOK)),
            ),
            (
                "SENDGRID_API_KEY",
                "SG.",
                format!("SG.{}.{}", rnd(22, TOK), rnd(43, TOK)),
            ),
            ("MAILGUN_API_KEY", "key-", format!("key-{}", rnd(32, HEX))),
            ("SQUARE_TOKEN", "EAAA", format!("EAAA{}", rnd(60, TOK))),
            (
                "SQUARE_TOKEN",
                "sq0csp-",
                format!("sq0csp-{}", rnd(43, TOK)),
            ),
            ("SHOPIFY_TOKEN", "shpat_", format!("shpat_{}", rnd(32, HEX))),
            (
                "BRAINTREE_TOKEN",
                "access_token$production$",
                format!(
                    "access_token$production${}${}",
                    rnd(16, ALNUM),
                    rnd(32, HEX)
                ),
            ),
            (
                "SHIPPO_TOKEN",
                "shippo_live_",
                format!("shippo_live_{}", rnd(40, HEX)),
            ),
            (
                "EASYPOST_API_KEY",
                "EZAK",
                format!("EZAK{}", rnd(54, ALNUM)),
            ),
            (
                "DUFFEL_TOKEN",
                "duffel_test_",
                format!("duffel_test_{}", rnd(43, TOK)),
            ),
            (
                "FLUTTERWAVE_SECRET_KEY",
                "FLWSECK_TEST-",
                format!("FLWSECK_TEST-{}-X", rnd(32, HEX)),
            ),
            (
                "SENTRY_TOKEN",
                "sntryu_",
                format!("sntryu_{}", rnd(64, HEX)),
            ),
            (
                "SENTRY_TOKEN",
                "sntrys_",
                format!("sntrys_eyJ{}", rnd(120, B64)),
            ),
            ("NEW_RELIC_KEY", "NRAK-", format!("NRAK-{}", rnd(27, UPNUM))),
            (
                "GRAFANA_TOKEN",
                "glsa_",
                format!("glsa_{}_{}", rnd(32, ALNUM), rnd(8, HEX)),
            ),
            ("GRAFANA_TOKEN", "glc_", format!("glc_{}", rnd(80, B64))),
            (
                "ATLASSIAN_API_TOKEN",
                "ATATT3",
                format!("ATATT3{}={}", rnd(170, TOK), rnd(8, HEXUP)),
            ),
            ("DATABRICKS_TOKEN", "dapi", format!("dapi{}", rnd(32, HEX))),
            ("HEROKU_API_KEY", "HRKU-", format!("HRKU-{}", rnd(60, TOK))),
            (
                "DIGITALOCEAN_TOKEN",
                "dop_v1_",
                format!("dop_v1_{}", rnd(64, HEX)),
            ),
            (
                "LINEAR_API_KEY",
                "lin_api_",
                format!("lin_api_{}", rnd(40, ALNUM)),
            ),
            ("NOTION_TOKEN", "ntn_", format!("ntn_{}", rnd(46, ALNUM))),
            (
                "NOTION_TOKEN",
                "secret_",
                format!("secret_{}", rnd(43, ALNUM)),
            ),
            (
                "POSTMAN_API_KEY",
                "PMAK-",
                format!("PMAK-{}-{}", rnd(24, HEX), rnd(34, HEX)),
            ),
            (
                "AIRTABLE_TOKEN",
                "pat",
                format!("pat{}.{}", rnd(14, ALNUM), rnd(64, HEX)),
            ),
            ("FIGMA_TOKEN", "figd_", format!("figd_{}", rnd(40, TOK))),
            (
                "CLOUDFLARE_ORIGIN_CA_KEY",
                "v1.0-",
                format!("v1.0-{}-{}", rnd(24, HEX), rnd(146, HEX)),
            ),
            ("VERCEL_TOKEN", "vcp_", format!("vcp_{}", rnd(56, ALNUM))),
            ("SUPABASE_TOKEN", "sbp_", format!("sbp_{}", rnd(40, HEX))),
            (
                "MAPBOX_SECRET_TOKEN",
                "sk.eyJ",
                format!("sk.eyJ{}.{}", rnd(60, TOK), rnd(22, TOK)),
            ),
            (
                "PLANETSCALE_TOKEN",
                "pscale_tkn_",
                format!("pscale_tkn_{}", rnd(43, TOK)),
            ),
            (
                "CONTENTFUL_TOKEN",
                "CFPAT-",
                format!("CFPAT-{}", rnd(43, TOK)),
            ),
            ("PREFECT_API_KEY", "pnu_", format!("pnu_{}", rnd(36, ALNUM))),
            (
                "README_API_KEY",
                "rdme_",
                format!("rdme_{}", rnd(70, ALNUM)),
            ),
            (
                "DYNATRACE_TOKEN",
                "dt0c01.",
                format!("dt0c01.{}.{}", rnd(24, UPNUM), rnd(64, UPNUM)),
            ),
        ]
    }

    #[test]
    fn every_provider_is_found_in_context() {
        let d = Detectors::new(&PiiConfig::default()).unwrap();
        for (ty, _, v) in cases() {
            for ctx in ["{}", "key: {}.", "\"{}\"", "x={}&y=1", "café {} 日本"] {
                let t = ctx.replace("{}", &v);
                assert_eq!(d.found(&t), [(ty.to_string(), v.clone())], "{t}");
            }
        }
    }

    #[test]
    fn telegram_tokens_in_bot_api_urls() {
        let d = Detectors::new(&PiiConfig::default()).unwrap();
        let token = format!("1234567890:AA{}", "h3Kd9sLq2Zx7Vb1Nm4Pw8Rt6Yc0Ue5Gij");
        let url = format!("curl https://api.telegram.org/bot{token}/getMe");
        assert_eq!(
            d.found(&url),
            [("TELEGRAM_BOT_TOKEN".to_string(), token.clone())]
        );
        // Glued to another word, the digits are not a bot id.
        assert!(d.found(&format!("robot{token}")).is_empty());
    }

    #[test]
    fn every_provider_rejects_its_placeholders() {
        let d = Detectors::new(&PiiConfig::default()).unwrap();
        for (ty, lit, v) in cases() {
            let at = v.find(lit).unwrap() + lit.len();
            let n = v.len() - at;
            for fill in ["x", "X", "0", "*", "#"] {
                let p = format!("{}{}", &v[..at], fill.repeat(n));
                assert!(d.found(&p).iter().all(|(t, _)| t != ty), "{p}");
            }
            let sample = format!("{}{}", &v[..at], &"EXAMPLE".repeat(n / 7 + 1)[..n]);
            let seq: String = (0..n).map(|i| ALNUM[i % 26] as char).collect();
            let seq = format!("{}{}", &v[..at], seq);
            for p in [sample, seq] {
                assert!(d.found(&p).iter().all(|(t, _)| t != ty), "{p}");
            }
        }
    }

    /// Types whose documented length is a range (or open-ended): gluing or cutting a few
    /// characters leaves a valid value.
    const RANGED: [&str; 22] = [
        "GITLAB_TOKEN",
        "BITBUCKET_APP_PASSWORD",
        "PYPI_TOKEN",
        "DOCKER_HUB_TOKEN",
        "VAULT_TOKEN",
        "ONEPASSWORD_SERVICE_TOKEN",
        "FLYIO_TOKEN",
        "HEROKU_API_KEY",
        "FIGMA_TOKEN",
        "VERCEL_TOKEN",
        "PLANETSCALE_TOKEN",
        "GRAFANA_TOKEN",
        "SENTRY_TOKEN",
        "AWS_BEDROCK_API_KEY",
        "TAILSCALE_KEY",
        "PINECONE_API_KEY",
        "MAPBOX_SECRET_TOKEN",
        "TERRAFORM_CLOUD_TOKEN",
        "AZURE_CLIENT_SECRET",
        "ALIBABA_ACCESS_KEY",
        "DOPPLER_TOKEN",
        "DISCORD_WEBHOOK",
    ];

    #[test]
    fn glued_or_truncated_values_are_not_findings() {
        let d = Detectors::new(&PiiConfig::default()).unwrap();
        for (ty, lit, v) in cases().into_iter().filter(|c| !RANGED.contains(&c.0)) {
            let short = &v[..v.len() - 3];
            if !short.ends_with(lit) {
                assert!(d.found(short).iter().all(|(t, _)| t != ty), "{ty}: {short}");
            }
            let glued = format!("{v}Q7");
            let ok = d.found(&glued).iter().all(|(t, s)| t != ty || *s != glued);
            assert!(ok, "{ty}: {glued}");
        }
    }

    #[test]
    fn placeholder_battery_is_silent() {
        let d = Detectors::new(&PiiConfig::default()).unwrap();
        for p in [
            "AIzaXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
            "AIzaSyDUMMYKEYDUMMYKEYDUMMYKEYDUMMYKEY1",
            "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "gsk_yourGroqApiKeyHereyourGroqApiKeyHereyourGroqApiK",
            "sk-or-v1-0000000000000000000000000000000000000000000000000000000000000000",
            "glpat-xxxxxxxxxxxxxxxxxxxx",
            "glpat-your_token_here_12345",
            "npm_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "dckr_pat_xxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "key-00000000000000000000000000000000",
            "shpat_00000000000000000000000000000000",
            "dop_v1_0000000000000000000000000000000000000000000000000000000000000000",
            "lin_api_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "hvs.XXXXXXXXXXXXXXXXXXXXXXXX",
            "dapi0123456789abcdef0123456789abcdef",
            "dapi00000000000000000000000000000000",
            "NRAK-XXXXXXXXXXXXXXXXXXXXXXXXXXX",
            "pplx-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "r8_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "ATBBxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "123456789:AAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "1234567890:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
            "https://discord.com/api/webhooks/000000000000000000/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "AccountKey=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx==",
            "sk-ant-api03-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxAA",
            "sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "xoxp-your-user-token",
            "xoxb-0000000000-0000000000000-xxxxxxxxxxxxxxxxxxxxxxxx",
        ] {
            assert!(d.found(p).is_empty(), "{p} -> {:?}", d.found(p));
        }
    }
}
