//! Planted provider secrets: one maker per secret type of the PII registry (valid prefix,
//! length, alphabet and checksum) in realistic carriers (env files, config, code, curl, URIs),
//! and placeholders of the same providers as decoys. Drawn from a stream of their own, so the
//! other planted values and every other field of a record stay as they were.

use super::pii::{base64, PiiKind, B64STD, B64URL};
use super::plant::{Field, Insert, Truth};
use super::rng::{Rng, ALNUM, HEX};
use crate::pii::checksum::{base62_6, crc32};

/// The random stream of planted secrets (see `Rng::derive`).
pub(crate) const STREAM_SECRETS: u64 = 23;

/// One record in `EVERY` carries a planted secret, and the record halfway between two of them
/// a placeholder; the kinds take turns, so any run of `EVERY × KINDS.len()` records plants
/// every kind (5,246 records for 86 kinds).
pub(crate) const EVERY: u64 = 61;

const UPNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const DIGITS: &[u8] = b"0123456789";
/// Bech32's alphabet in upper case (no `1`, `B`, `I`, `O`).
const BECH32: &[u8] = b"QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";
/// Base64url without `-` and `_` at the ends of a value, so a token never ends in a separator.
const TOK: &[u8] = B64URL;

/// A made secret: the value (the exact substring a scanner reports), how many of its leading
/// bytes are the public prefix a placeholder keeps, and text that follows it in the carrier
/// without being part of the finding (the `@host/db` of a connection URI).
pub(crate) struct Made {
    pub value: String,
    pub lead: usize,
    pub suffix: String,
}

/// Where a kind's values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Carry {
    /// Assigned to one of the kind's names (env, YAML, JSON, code), or in prose, a curl
    /// header or a client constructor: the format alone identifies it.
    Prefixed,
    /// Only assigned to one of the kind's names: the name tells the vendor.
    Keyword,
    /// A connection URI.
    Uri,
    /// A service-account key file.
    KeyFile,
    /// An Azure storage connection string.
    Connection,
}

/// One secret type of the registry with its maker.
pub(crate) struct SecretKind {
    /// The registry's type name (the truth file's `pii_type`).
    pub label: &'static str,
    /// Names the value is assigned to (`{N}` of the carriers).
    names: &'static [&'static str],
    carry: Carry,
    make: fn(&mut Rng) -> Made,
}

/// Makes `prefix` followed by `n` characters of `alphabet`.
fn simple(rng: &mut Rng, prefix: &str, alphabet: &[u8], n: usize) -> Made {
    let mut value = String::with_capacity(prefix.len() + n);
    value.push_str(prefix);
    rng.push_chars(&mut value, alphabet, n);
    Made {
        value,
        lead: prefix.len(),
        suffix: String::new(),
    }
}

/// Appends `n` characters of `alphabet` and returns the string (for formats in parts).
fn chars(rng: &mut Rng, alphabet: &[u8], n: usize) -> String {
    let mut s = String::with_capacity(n);
    rng.push_chars(&mut s, alphabet, n);
    s
}

/// A value whose public prefix is `lead` bytes long.
fn made(value: String, lead: usize) -> Made {
    Made {
        value,
        lead,
        suffix: String::new(),
    }
}

/// `prefix`, 30 alphanumerics and their CRC-32 in six base62 digits (GitHub, npm).
fn crc_token(rng: &mut Rng, prefix: &str) -> Made {
    let body = chars(rng, ALNUM, 30);
    let tail = base62_6(crc32(body.as_bytes()));
    let value = format!("{prefix}{body}{}", String::from_utf8_lossy(&tail));
    made(value, prefix.len())
}

/// A value that ends in an alphanumeric, from an alphabet that includes separators.
fn ending_alnum(rng: &mut Rng, alphabet: &[u8], n: usize) -> String {
    let mut s = chars(rng, alphabet, n - 1);
    rng.push_chars(&mut s, ALNUM, 1);
    s
}

/// Every secret type of the registry but PEM private keys and JWTs (which `pii` plants),
/// grouped as the registry groups them.
pub(crate) const KINDS: &[SecretKind] = &[
    SecretKind {
        label: "AWS_ACCESS_KEY",
        names: &["AWS_ACCESS_KEY_ID", "aws_access_key_id"],
        carry: Carry::Prefixed,
        make: |r| {
            let p = *r.pick(&["AKIA", "ASIA"]);
            simple(r, p, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
        },
    },
    SecretKind {
        label: "GITHUB_TOKEN",
        names: &["GITHUB_TOKEN", "GH_TOKEN", "github_token"],
        carry: Carry::Prefixed,
        make: |r| match r.below(6) {
            0 => {
                let v = format!(
                    "github_pat_11{}_{}",
                    chars(r, UPNUM, 20),
                    chars(r, ALNUM, 59)
                );
                made(v, 11)
            }
            k => crc_token(r, ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"][k as usize - 1]),
        },
    },
    SecretKind {
        label: "OPENAI_API_KEY",
        names: &["OPENAI_API_KEY", "openai_api_key"],
        carry: Carry::Prefixed,
        make: |r| {
            let p = *r.pick(&["sk-svcacct-", "sk-admin-", "sk-proj-"]);
            let v = format!(
                "{p}{}T3BlbkFJ{}",
                chars(r, TOK, 74),
                ending_alnum(r, TOK, 74)
            );
            made(v, p.len())
        },
    },
    SecretKind {
        label: "ANTHROPIC_API_KEY",
        names: &["ANTHROPIC_API_KEY", "anthropic_api_key"],
        carry: Carry::Prefixed,
        make: |r| {
            let p = *r.pick(&["sk-ant-admin01-", "sk-ant-api03-"]);
            let v = format!("{p}{}AA", chars(r, TOK, 93));
            made(v, p.len())
        },
    },
    SecretKind {
        label: "SLACK_TOKEN",
        names: &["SLACK_WEBHOOK_URL", "SLACK_BOT_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| {
            if r.chance(0.5) {
                let v = format!(
                    "https://hooks.slack.com/services/T0{}/B0{}/{}",
                    chars(r, UPNUM, 8),
                    chars(r, UPNUM, 9),
                    chars(r, ALNUM, 24)
                );
                let lead = v.rfind('/').map_or(0, |i| i + 1);
                made(v, lead)
            } else {
                let mut v = String::from("xoxp-");
                r.push_digits(&mut v, 11);
                v.push('-');
                r.push_digits(&mut v, 12);
                v.push('-');
                r.push_digits(&mut v, 13);
                v.push('-');
                r.push_chars(&mut v, HEX, 32);
                made(v, 5)
            }
        },
    },
    SecretKind {
        label: "STRIPE_KEY",
        names: &["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"],
        carry: Carry::Prefixed,
        make: |r| match r.below(3) {
            0 => simple(r, "whsec_", ALNUM, 32),
            1 => simple(r, "rk_live_51", ALNUM, 97),
            _ => simple(r, "sk_test_", ALNUM, 24),
        },
    },
    // ---- LLM APIs ----
    SecretKind {
        label: "GOOGLE_API_KEY",
        names: &["GOOGLE_API_KEY", "GEMINI_API_KEY"],
        carry: Carry::Prefixed,
        make: |r| {
            let v = format!("AIzaSy{}", ending_alnum(r, TOK, 33));
            made(v, 4)
        },
    },
    SecretKind {
        label: "HUGGINGFACE_TOKEN",
        names: &["HF_TOKEN", "HUGGINGFACE_HUB_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| {
            let p = if r.chance(0.8) { "hf_" } else { "api_org_" };
            simple(r, p, ALNUM, 34)
        },
    },
    SecretKind {
        label: "GROQ_API_KEY",
        names: &["GROQ_API_KEY"],
        carry: Carry::Prefixed,
        make: |r| simple(r, "gsk_", ALNUM, 52),
    },
    SecretKind {
        label: "XAI_API_KEY",
        names: &["XAI_API_KEY"],
        carry: Carry::Prefixed,
        make: |r| simple(r, "xai-", ALNUM, 80),
    },
    SecretKind {
        label: "OPENROUTER_API_KEY",
        names: &["OPENROUTER_API_KEY"],
        carry: Carry::Prefixed,
        make: |r| simple(r, "sk-or-v1-", HEX, 64),
    },
    SecretKind {
        label: "REPLICATE_API_TOKEN",
        names: &["REPLICATE_API_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| simple(r, "r8_", ALNUM, 37),
    },
    SecretKind {
        label: "PERPLEXITY_API_KEY",
        names: &["PERPLEXITY_API_KEY", "PPLX_API_KEY"],
        carry: Carry::Prefixed,
        make: |r| simple(r, "pplx-", ALNUM, 48),
    },
    SecretKind {
        label: "LANGSMITH_API_KEY",
        names: &["LANGSMITH_API_KEY", "LANGCHAIN_API_KEY"],
        carry: Carry::Prefixed,
        make: |r| {
            let p = *r.pick(&["lsv2_pt_", "lsv2_sk_"]);
            let v = format!("{p}{}_{}", chars(r, HEX, 32), chars(r, HEX, 10));
            made(v, p.len())
        },
    },
    SecretKind {
        label: "PINECONE_API_KEY",
        names: &["PINECONE_API_KEY"],
        carry: Carry::Prefixed,
        make: |r| {
            let v = format!("pcsk_{}_{}", chars(r, ALNUM, 5), chars(r, ALNUM, 63));
            made(v, 5)
        },
    },
    // ---- Cloud ----
    SecretKind {
        label: "AWS_BEDROCK_API_KEY",
        names: &["AWS_BEARER_TOKEN_BEDROCK"],
        carry: Carry::Prefixed,
        make: |r| {
            if r.chance(0.7) {
                let plain = format!(
                    "BedrockAPIKey-{}-at-{}:{}",
                    chars(r, b"abcdefghijklmnopqrstuvwxyz0123456789", 4),
                    chars(r, DIGITS, 12),
                    chars(r, ALNUM, 40)
                );
                made(format!("ABSK{}", base64(plain.as_bytes(), B64STD, true)), 4)
            } else {
                let plain = format!(
                    "bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature={}&Version=1",
                    chars(r, HEX, 64)
                );
                let v = format!("bedrock-api-key-{}", base64(plain.as_bytes(), B64STD, true));
                made(v, 16)
            }
        },
    },
    SecretKind {
        label: "GCP_SERVICE_ACCOUNT_KEY",
        names: &[],
        carry: Carry::KeyFile,
        make: |r| made(chars(r, HEX, 40), 0),
    },
    SecretKind {
        label: "AZURE_STORAGE_KEY",
        names: &[],
        carry: Carry::Connection,
        make: |r| {
            let v = format!("AccountKey={}==", chars(r, B64STD, 86));
            made(v, 11)
        },
    },
    SecretKind {
        label: "AZURE_CLIENT_SECRET",
        names: &["AZURE_CLIENT_SECRET"],
        carry: Carry::Prefixed,
        make: |r| {
            let head = format!("{}{}Q~", chars(r, ALNUM, 3), chars(r, DIGITS, 1));
            // Digits and capitals are part of the documented shape.
            let body = format!(
                "{}{}{}",
                chars(r, UPNUM, 1),
                chars(r, DIGITS, 1),
                ending_alnum(
                    r,
                    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~.-",
                    32
                )
            );
            let lead = head.len();
            made(head + &body, lead)
        },
    },
    SecretKind {
        label: "ALIBABA_ACCESS_KEY",
        names: &["ALIBABA_CLOUD_ACCESS_KEY_ID"],
        carry: Carry::Prefixed,
        make: |r| simple(r, "LTAI", ALNUM, 20),
    },
    SecretKind {
        label: "TENCENT_SECRET_ID",
        names: &["TENCENTCLOUD_SECRET_ID"],
        carry: Carry::Prefixed,
        make: |r| simple(r, "AKID", ALNUM, 32),
    },
    // ---- Code and packages ----
    SecretKind {
        label: "GITLAB_TOKEN",
        names: &["GITLAB_TOKEN", "CI_JOB_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| match r.below(4) {
            0 => simple(r, "glptt-", HEX, 40),
            1 => made(format!("glrt-{}", ending_alnum(r, TOK, 27)), 5),
            _ => made(format!("glpat-{}", ending_alnum(r, TOK, 20)), 6),
        },
    },
    SecretKind {
        label: "BITBUCKET_APP_PASSWORD",
        names: &["BITBUCKET_APP_PASSWORD"],
        carry: Carry::Prefixed,
        make: |r| simple(r, "ATBB", ALNUM, 32),
    },
    SecretKind {
        label: "NPM_TOKEN",
        names: &["NPM_TOKEN", "NODE_AUTH_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| crc_token(r, "npm_"),
    },
    SecretKind {
        label: "PYPI_TOKEN",
        names: &["PYPI_API_TOKEN", "TWINE_PASSWORD"],
        carry: Carry::Prefixed,
        make: |r| {
            let p = if r.chance(0.8) {
                "pypi-AgEIcHlwaS5vcmc"
            } else {
                "pypi-AgENdGVzdC5weXBpLm9yZw"
            };
            let v = format!("{p}{}", ending_alnum(r, TOK, 120));
            made(v, 5)
        },
    },
    SecretKind {
        label: "DOCKER_HUB_TOKEN",
        names: &["DOCKERHUB_TOKEN", "DOCKER_PASSWORD"],
        carry: Carry::Prefixed,
        make: |r| made(format!("dckr_pat_{}", ending_alnum(r, TOK, 27)), 9),
    },
    SecretKind {
        label: "RUBYGEMS_API_KEY",
        names: &["GEM_HOST_API_KEY"],
        carry: Carry::Prefixed,
        make: |r| simple(r, "rubygems_", HEX, 48),
    },
    SecretKind {
        label: "JFROG_TOKEN",
        names: &["JFROG_ACCESS_TOKEN", "ARTIFACTORY_API_KEY"],
        carry: Carry::Prefixed,
        make: |r| {
            if r.chance(0.5) {
                simple(r, "AKCp", ALNUM, 69)
            } else {
                let plain = format!("reftkn:01:{}:{}", chars(r, DIGITS, 10), chars(r, ALNUM, 27));
                made(base64(plain.as_bytes(), B64STD, true), 14)
            }
        },
    },
    SecretKind {
        label: "CLOJARS_TOKEN",
        names: &["CLOJARS_PASSWORD", "CLOJARS_DEPLOY_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| simple(r, "CLOJARS_", ALNUM, 60),
    },
    SecretKind {
        label: "CIRCLECI_TOKEN",
        names: &["CIRCLECI_TOKEN", "CIRCLE_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| {
            let v = format!("CCIPAT_{}_{}", chars(r, ALNUM, 22), chars(r, HEX, 40));
            made(v, 7)
        },
    },
    SecretKind {
        label: "BUILDKITE_TOKEN",
        names: &["BUILDKITE_API_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| simple(r, "bkua_", HEX, 40),
    },
    SecretKind {
        label: "PULUMI_TOKEN",
        names: &["PULUMI_ACCESS_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| simple(r, "pul-", HEX, 40),
    },
    SecretKind {
        label: "TERRAFORM_CLOUD_TOKEN",
        names: &["TF_TOKEN_app_terraform_io", "TFE_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| {
            let v = format!(
                "{}.atlasv1.{}",
                chars(r, ALNUM, 14),
                ending_alnum(r, TOK, 67)
            );
            made(v, 23)
        },
    },
    SecretKind {
        label: "VAULT_TOKEN",
        names: &["VAULT_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| {
            let p = *r.pick(&["hvs.", "hvb.", "hvr."]);
            let v = format!("{p}CAESI{}", ending_alnum(r, TOK, 86));
            made(v, 4)
        },
    },
    SecretKind {
        label: "DOPPLER_TOKEN",
        names: &["DOPPLER_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| {
            let p = *r.pick(&["dp.pt.", "dp.st.", "dp.sa."]);
            simple(r, p, ALNUM, 43)
        },
    },
    SecretKind {
        label: "TAILSCALE_KEY",
        names: &["TS_AUTHKEY", "TAILSCALE_AUTH_KEY"],
        carry: Carry::Prefixed,
        make: |r| {
            let p = *r.pick(&["tskey-auth-", "tskey-client-", "tskey-api-"]);
            let v = format!("{p}k{}CNTRL-{}", chars(r, ALNUM, 10), chars(r, ALNUM, 33));
            made(v, p.len())
        },
    },
    SecretKind {
        label: "AGE_SECRET_KEY",
        names: &["SOPS_AGE_KEY"],
        carry: Carry::Prefixed,
        make: |r| simple(r, "AGE-SECRET-KEY-1", BECH32, 58),
    },
    SecretKind {
        label: "ONEPASSWORD_SERVICE_TOKEN",
        names: &["OP_SERVICE_ACCOUNT_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| {
            let v = format!("ops_eyJ{}", chars(r, ALNUM, 240));
            made(v, 4)
        },
    },
    SecretKind {
        label: "FLYIO_TOKEN",
        names: &["FLY_API_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| simple(r, "fm2_", ALNUM, 140),
    },
    // ---- Messaging ----
    SecretKind {
        label: "DISCORD_WEBHOOK",
        names: &["DISCORD_WEBHOOK_URL"],
        carry: Carry::Prefixed,
        make: |r| {
            let v = format!(
                "https://discord.com/api/webhooks/1{}/{}",
                chars(r, DIGITS, 18),
                ending_alnum(r, TOK, 68)
            );
            let lead = v.rfind('/').map_or(0, |i| i + 1);
            made(v, lead)
        },
    },
    SecretKind {
        label: "TELEGRAM_BOT_TOKEN",
        names: &["TELEGRAM_BOT_TOKEN", "TG_BOT_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| {
            let id = format!("{}{}", r.range(1, 9), chars(r, DIGITS, 9));
            let v = format!("{id}:AA{}", ending_alnum(r, TOK, 33));
            let lead = id.len() + 3;
            made(v, lead)
        },
    },
    SecretKind {
        label: "SENDGRID_API_KEY",
        names: &["SENDGRID_API_KEY"],
        carry: Carry::Prefixed,
        make: |r| {
            let v = format!(
                "SG.{}.{}",
                ending_alnum(r, TOK, 22),
                ending_alnum(r, TOK, 43)
            );
            made(v, 3)
        },
    },
    SecretKind {
        label: "MAILGUN_API_KEY",
        names: &["MAILGUN_API_KEY"],
        carry: Carry::Prefixed,
        make: |r| simple(r, "key-", HEX, 32),
    },
    // ---- Payments ----
    SecretKind {
        label: "SQUARE_TOKEN",
        names: &["SQUARE_ACCESS_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| match r.below(3) {
            0 => made(format!("sq0csp-{}", ending_alnum(r, TOK, 43)), 7),
            1 => made(format!("sq0atp-{}", ending_alnum(r, TOK, 22)), 7),
            _ => made(format!("EAAA{}", ending_alnum(r, TOK, 60)), 4),
        },
    },
    SecretKind {
        label: "SHOPIFY_TOKEN",
        names: &["SHOPIFY_ACCESS_TOKEN", "SHOPIFY_API_SECRET"],
        carry: Carry::Prefixed,
        make: |r| {
            let p = *r.pick(&["shpat_", "shpca_", "shppa_", "shpss_"]);
            simple(r, p, HEX, 32)
        },
    },
    SecretKind {
        label: "BRAINTREE_TOKEN",
        names: &["BRAINTREE_ACCESS_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| {
            let p = *r.pick(&["access_token$production$", "access_token$sandbox$"]);
            let v = format!("{p}{}${}", chars(r, ALNUM, 16), chars(r, HEX, 32));
            made(v, p.len())
        },
    },
    SecretKind {
        label: "SHIPPO_TOKEN",
        names: &["SHIPPO_API_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| {
            let p = *r.pick(&["shippo_live_", "shippo_test_"]);
            simple(r, p, HEX, 40)
        },
    },
    SecretKind {
        label: "EASYPOST_API_KEY",
        names: &["EASYPOST_API_KEY"],
        carry: Carry::Prefixed,
        make: |r| {
            let p = *r.pick(&["EZAK", "EZTK"]);
            simple(r, p, ALNUM, 54)
        },
    },
    SecretKind {
        label: "DUFFEL_TOKEN",
        names: &["DUFFEL_ACCESS_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| {
            let p = *r.pick(&["duffel_live_", "duffel_test_"]);
            made(format!("{p}{}", ending_alnum(r, TOK, 43)), p.len())
        },
    },
    SecretKind {
        label: "FLUTTERWAVE_SECRET_KEY",
        names: &["FLW_SECRET_KEY"],
        carry: Carry::Prefixed,
        make: |r| {
            let p = *r.pick(&["FLWSECK-", "FLWSECK_TEST-"]);
            made(format!("{p}{}-X", chars(r, HEX, 32)), p.len())
        },
    },
    // ---- Observability and SaaS ----
    SecretKind {
        label: "SENTRY_TOKEN",
        names: &["SENTRY_AUTH_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| {
            if r.chance(0.5) {
                simple(r, "sntryu_", HEX, 64)
            } else {
                made(format!("sntrys_eyJ{}", chars(r, ALNUM, 120)), 7)
            }
        },
    },
    SecretKind {
        label: "NEW_RELIC_KEY",
        names: &["NEW_RELIC_API_KEY", "NEW_RELIC_LICENSE_KEY"],
        carry: Carry::Prefixed,
        make: |r| match r.below(3) {
            0 => simple(r, "NRJS-", HEX, 19),
            1 => made(format!("NRII-{}", ending_alnum(r, TOK, 32)), 5),
            _ => simple(r, "NRAK-", UPNUM, 27),
        },
    },
    SecretKind {
        label: "GRAFANA_TOKEN",
        names: &["GRAFANA_SERVICE_ACCOUNT_TOKEN", "GRAFANA_CLOUD_API_KEY"],
        carry: Carry::Prefixed,
        make: |r| {
            if r.chance(0.5) {
                let v = format!("glsa_{}_{}", chars(r, ALNUM, 32), chars(r, HEX, 8));
                made(v, 5)
            } else {
                simple(r, "glc_", ALNUM, 80)
            }
        },
    },
    SecretKind {
        label: "ATLASSIAN_API_TOKEN",
        names: &["JIRA_API_TOKEN", "CONFLUENCE_API_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| {
            let body = format!("ATATT3xFfGF0{}", ending_alnum(r, TOK, 170));
            let v = format!("{body}={:08X}", crc32(body.as_bytes()));
            made(v, 6)
        },
    },
    SecretKind {
        label: "DATABRICKS_TOKEN",
        names: &["DATABRICKS_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| {
            let mut m = simple(r, "dapi", HEX, 32);
            if r.chance(0.3) {
                m.value.push_str("-2");
            }
            m
        },
    },
    SecretKind {
        label: "HEROKU_API_KEY",
        names: &["HEROKU_API_KEY"],
        carry: Carry::Prefixed,
        make: |r| made(format!("HRKU-AA{}", ending_alnum(r, TOK, 58)), 5),
    },
    SecretKind {
        label: "DIGITALOCEAN_TOKEN",
        names: &["DIGITALOCEAN_ACCESS_TOKEN", "DO_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| {
            let p = *r.pick(&["dop_v1_", "doo_v1_", "dor_v1_"]);
            simple(r, p, HEX, 64)
        },
    },
    SecretKind {
        label: "LINEAR_API_KEY",
        names: &["LINEAR_API_KEY"],
        carry: Carry::Prefixed,
        make: |r| {
            if r.chance(0.7) {
                simple(r, "lin_api_", ALNUM, 40)
            } else {
                simple(r, "lin_oauth_", HEX, 64)
            }
        },
    },
    SecretKind {
        label: "NOTION_TOKEN",
        names: &["NOTION_TOKEN", "NOTION_API_KEY"],
        carry: Carry::Prefixed,
        make: |r| {
            if r.chance(0.7) {
                simple(r, "ntn_", ALNUM, 46)
            } else {
                simple(r, "secret_", ALNUM, 43)
            }
        },
    },
    SecretKind {
        label: "POSTMAN_API_KEY",
        names: &["POSTMAN_API_KEY"],
        carry: Carry::Prefixed,
        make: |r| {
            let v = format!("PMAK-{}-{}", chars(r, HEX, 24), chars(r, HEX, 34));
            made(v, 5)
        },
    },
    SecretKind {
        label: "AIRTABLE_TOKEN",
        names: &["AIRTABLE_API_KEY", "AIRTABLE_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| {
            let v = format!("pat{}.{}", chars(r, ALNUM, 14), chars(r, HEX, 64));
            made(v, 3)
        },
    },
    SecretKind {
        label: "FIGMA_TOKEN",
        names: &["FIGMA_TOKEN", "FIGMA_ACCESS_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| made(format!("figd_{}", ending_alnum(r, TOK, 40)), 5),
    },
    SecretKind {
        label: "CLOUDFLARE_ORIGIN_CA_KEY",
        names: &["CF_ORIGIN_CA_KEY"],
        carry: Carry::Prefixed,
        make: |r| {
            let v = format!("v1.0-{}-{}", chars(r, HEX, 24), chars(r, HEX, 146));
            made(v, 5)
        },
    },
    SecretKind {
        label: "VERCEL_TOKEN",
        names: &["VERCEL_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| {
            let p = *r.pick(&["vcp_", "vci_", "vca_"]);
            simple(r, p, ALNUM, 56)
        },
    },
    SecretKind {
        label: "SUPABASE_TOKEN",
        names: &["SUPABASE_ACCESS_TOKEN", "SUPABASE_SECRET_KEY"],
        carry: Carry::Prefixed,
        make: |r| {
            if r.chance(0.5) {
                simple(r, "sbp_", HEX, 40)
            } else {
                made(format!("sb_secret_{}", ending_alnum(r, TOK, 31)), 10)
            }
        },
    },
    SecretKind {
        label: "MAPBOX_SECRET_TOKEN",
        names: &["MAPBOX_SECRET_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| {
            let claims = format!(
                r#"{{"u":"acme-maps","a":"cl{}"}}"#,
                chars(r, b"abcdefghijklmnopqrstuvwxyz0123456789", 23)
            );
            let v = format!(
                "sk.{}.{}",
                base64(claims.as_bytes(), B64URL, false),
                ending_alnum(r, TOK, 22)
            );
            made(v, 3)
        },
    },
    SecretKind {
        label: "PLANETSCALE_TOKEN",
        names: &["PLANETSCALE_SERVICE_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| {
            let p = *r.pick(&["pscale_tkn_", "pscale_pw_", "pscale_oauth_"]);
            made(format!("{p}{}", ending_alnum(r, TOK, 43)), p.len())
        },
    },
    SecretKind {
        label: "CONTENTFUL_TOKEN",
        names: &["CONTENTFUL_MANAGEMENT_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| made(format!("CFPAT-{}", ending_alnum(r, TOK, 43)), 6),
    },
    SecretKind {
        label: "PREFECT_API_KEY",
        names: &["PREFECT_API_KEY"],
        carry: Carry::Prefixed,
        make: |r| simple(r, "pnu_", ALNUM, 36),
    },
    SecretKind {
        label: "README_API_KEY",
        names: &["README_API_KEY"],
        carry: Carry::Prefixed,
        make: |r| simple(r, "rdme_", ALNUM, 70),
    },
    SecretKind {
        label: "DYNATRACE_TOKEN",
        names: &["DT_API_TOKEN"],
        carry: Carry::Prefixed,
        make: |r| {
            let v = format!("dt0c01.{}.{}", chars(r, UPNUM, 24), chars(r, UPNUM, 64));
            made(v, 7)
        },
    },
    // ---- Data ----
    SecretKind {
        label: "URL_CREDENTIALS",
        names: &[],
        carry: Carry::Uri,
        make: |r| {
            let (scheme, host) = *r.pick(&[
                ("postgres", "db.internal:5432/orders"),
                ("postgresql", "pg-primary.svc.cluster.local:5432/app"),
                ("mysql", "mysql-7.shop.internal:3306/shop"),
                (
                    "mongodb+srv",
                    "cluster0.a1b2c.mongodb.net/prod?retryWrites=true",
                ),
                ("redis", "cache.internal:6379/0"),
                ("amqp", "rabbit.internal:5672/%2f"),
            ]);
            let user = *r.pick(&["admin", "app", "svc_orders", "etl", "reporting"]);
            let lead = scheme.len() + 3 + user.len() + 1;
            let password = password(r, b"-_.~!");
            Made {
                value: format!("{scheme}://{user}:{password}"),
                lead,
                suffix: format!("@{host}"),
            }
        },
    },
    // ---- Keyword context ----
    SecretKind {
        label: "AWS_SECRET_KEY",
        names: &["AWS_SECRET_ACCESS_KEY", "aws_secret_access_key"],
        carry: Carry::Keyword,
        make: |r| {
            let v = format!("{}{}", chars(r, ALNUM, 1), ending_alnum(r, B64STD, 39));
            made(v, 0)
        },
    },
    SecretKind {
        label: "AZURE_API_KEY",
        names: &["AZURE_OPENAI_API_KEY", "azure_speech_api_key"],
        carry: Carry::Keyword,
        make: |r| {
            if r.chance(0.7) {
                made(chars(r, HEX, 32), 0)
            } else {
                made(format!("{}==", chars(r, ALNUM, 86)), 0)
            }
        },
    },
    SecretKind {
        label: "COHERE_API_KEY",
        names: &["COHERE_API_KEY", "CO_API_KEY_COHERE"],
        carry: Carry::Keyword,
        make: |r| made(chars(r, ALNUM, 40), 0),
    },
    SecretKind {
        label: "MISTRAL_API_KEY",
        names: &["MISTRAL_API_KEY"],
        carry: Carry::Keyword,
        make: |r| made(chars(r, ALNUM, 32), 0),
    },
    SecretKind {
        label: "DEEPSEEK_API_KEY",
        names: &["DEEPSEEK_API_KEY"],
        carry: Carry::Keyword,
        make: |r| made(format!("sk-{}", chars(r, HEX, 32)), 0),
    },
    SecretKind {
        label: "TOGETHER_API_KEY",
        names: &["TOGETHER_API_KEY"],
        carry: Carry::Keyword,
        make: |r| {
            if r.chance(0.6) {
                made(chars(r, HEX, 64), 0)
            } else {
                made(format!("tgp_v1_{}", ending_alnum(r, TOK, 43)), 0)
            }
        },
    },
    SecretKind {
        label: "DATADOG_API_KEY",
        names: &["DD_API_KEY", "DATADOG_API_KEY"],
        carry: Carry::Keyword,
        make: |r| {
            let n = if r.chance(0.7) { 32 } else { 40 };
            made(chars(r, HEX, n), 0)
        },
    },
    SecretKind {
        label: "TWILIO_AUTH_TOKEN",
        names: &["TWILIO_AUTH_TOKEN"],
        carry: Carry::Keyword,
        make: |r| made(chars(r, HEX, 32), 0),
    },
    SecretKind {
        label: "MAILCHIMP_API_KEY",
        names: &["MAILCHIMP_API_KEY"],
        carry: Carry::Keyword,
        make: |r| {
            let v = format!("{}-us{}", chars(r, HEX, 32), r.range(1, 21));
            made(v, 0)
        },
    },
    SecretKind {
        label: "POSTMARK_TOKEN",
        names: &["POSTMARK_SERVER_TOKEN", "POSTMARK_API_TOKEN"],
        carry: Carry::Keyword,
        make: |r| {
            let v = format!(
                "{}-{}-{}-{}-{}",
                chars(r, HEX, 8),
                chars(r, HEX, 4),
                chars(r, HEX, 4),
                chars(r, HEX, 4),
                chars(r, HEX, 12)
            );
            made(v, 0)
        },
    },
    SecretKind {
        label: "DISCORD_BOT_TOKEN",
        names: &["DISCORD_BOT_TOKEN", "DISCORD_TOKEN"],
        carry: Carry::Keyword,
        make: |r| {
            let n = 17 + r.below(2) as usize;
            let id = format!("1{}", chars(r, DIGITS, n));
            let v = format!(
                "{}.{}.{}",
                base64(id.as_bytes(), B64STD, false),
                chars(r, ALNUM, 6),
                ending_alnum(r, TOK, 38)
            );
            made(v, 0)
        },
    },
    SecretKind {
        label: "CLOUDFLARE_API_TOKEN",
        names: &["CLOUDFLARE_API_TOKEN", "CF_API_TOKEN"],
        carry: Carry::Keyword,
        make: |r| made(ending_alnum(r, TOK, 40), 0),
    },
    SecretKind {
        label: "PASSWORD",
        names: &[
            "DB_PASSWORD",
            "password",
            "spring.datasource.password",
            "SMTP_PASSWORD",
            "admin_pwd",
        ],
        carry: Carry::Keyword,
        make: |r| made(password(r, b"!#^*+=?~-_."), 0),
    },
    SecretKind {
        label: "GENERIC_SECRET",
        names: &[
            "client_secret",
            "WEBHOOK_SECRET",
            "signing_secret",
            "INTERNAL_API_KEY",
            "session_token",
        ],
        carry: Carry::Keyword,
        make: |r| {
            let n = r.range(24, 40) as usize;
            made(chars(r, ALNUM, n), 0)
        },
    },
];

/// A password of 12–20 characters with a lower-case letter, a capital, a digit and one of
/// `symbols` (the first character a letter, as references start with a symbol).
fn password(rng: &mut Rng, symbols: &[u8]) -> String {
    let n = rng.range(12, 20) as usize;
    let mut p = vec![0u8; n];
    for c in p.iter_mut() {
        *c = *rng.pick(ALNUM);
    }
    p[0] = *rng.pick(b"abcdefghijklmnopqrstuvwxyz");
    let mut slot = |rng: &mut Rng, set: &[u8]| {
        let i = rng.range(1, n as u64 - 1) as usize;
        p[i] = *rng.pick(set);
    };
    slot(rng, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    slot(rng, b"0123456789");
    slot(rng, symbols);
    slot(rng, b"abcdefghijklmnopqrstuvwxyz");
    let s = String::from_utf8(p).unwrap_or_default();
    // Slots may overwrite each other: make sure of the three classes the format needs.
    if s.bytes().any(|c| c.is_ascii_uppercase())
        && s.bytes().any(|c| c.is_ascii_digit())
        && s.bytes().any(|c| symbols.contains(&c))
    {
        s
    } else {
        password(rng, symbols)
    }
}

/// Carriers of an assignment: `{N}` is the name, `{n}` the name in lower case, `{v}` the text.
const ASSIGNMENTS: &[&str] = &[
    "here is my .env:\n{N}={v}\n",
    "export {N}={v}\n",
    "{N}=\"{v}\"\n",
    "config.yaml:\n  {n}: {v}\n",
    "{\"{n}\": \"{v}\", \"timeout\": 30}",
    "os.environ[\"{N}\"] = \"{v}\"\n",
    "docker run -e {N}={v} app:latest\n",
];

/// Carriers where the format alone tells the vendor.
const PROSE: &[&str] = &[
    "curl -H \"Authorization: Bearer {v}\" https://api.internal/v1/models\n",
    "the key {v} stopped working after the rotation",
    "const client = new Client(\"{v}\");\n",
    "Token: `{v}`\n",
];

/// Carriers of connection URIs.
const URIS: &[&str] = &[
    "DATABASE_URL={v}\n",
    "psql \"{v}\" -c 'select 1'\n",
    "spring.datasource.url=jdbc:{v}\n",
    "{\"dsn\": \"{v}\"}",
    "connecting to {v} failed: timeout",
];

/// Carriers of a service-account key file's `private_key_id`.
const KEY_FILES: &[&str] = &[
    "{\"type\": \"service_account\", \"project_id\": \"acme-prod-381\", \"private_key_id\": \"{v}\", \"token_uri\": \"https://oauth2.googleapis.com/token\"}",
    "key.json:\n{\n  \"type\": \"service_account\",\n  \"private_key_id\": \"{v}\",\n  \"project_id\": \"acme-ml\"\n}\n",
];

/// Carriers of an Azure storage connection string.
const CONNECTIONS: &[&str] = &[
    "AZURE_STORAGE_CONNECTION_STRING=\"DefaultEndpointsProtocol=https;AccountName=acmelogs;{v};EndpointSuffix=core.windows.net\"\n",
    "conn = \"DefaultEndpointsProtocol=https;AccountName=mlblobs;{v}\"\n",
];

/// Writes `text` into a carrier of `kind`; `assign_only` keeps to assignments (placeholders
/// of keyword types are only placeholders where a name says what they stand for).
fn carry(rng: &mut Rng, kind: &SecretKind, text: &str, assign_only: bool) -> String {
    let template = match kind.carry {
        Carry::Prefixed if !assign_only && rng.chance(0.4) => *rng.pick(PROSE),
        Carry::Prefixed | Carry::Keyword => *rng.pick(ASSIGNMENTS),
        Carry::Uri => *rng.pick(URIS),
        Carry::KeyFile => *rng.pick(KEY_FILES),
        Carry::Connection => *rng.pick(CONNECTIONS),
    };
    let name = if kind.names.is_empty() {
        "SECRET"
    } else {
        *rng.pick(kind.names)
    };
    template
        .replace("{N}", name)
        .replace("{n}", &name.to_ascii_lowercase())
        .replace("{v}", text)
}

/// A placeholder standing where a value of `kind` would: the public prefix kept and the rest
/// filled (`x`, `X`, `*`, `0`, `EXAMPLE`, a sequential run) or replaced by a reference
/// (`${NAME}`, `your_…_here`, `<…>`, `{{ secrets.… }}`). Returns the carrier sentence.
fn placeholder(rng: &mut Rng, kind: &SecretKind) -> String {
    let m = (kind.make)(rng);
    let lead = &m.value[..m.lead];
    let n = m.value.len() - m.lead;
    let word = kind
        .names
        .first()
        .map_or("token", |s| s)
        .to_ascii_lowercase();
    let upper = word.to_ascii_uppercase();
    let body = match rng.below(10) {
        0 => format!("{lead}{}", "x".repeat(n)),
        1 => format!("{lead}{}", "X".repeat(n)),
        2 => format!("{lead}{}", "*".repeat(n)),
        3 => format!("{lead}{}", "0".repeat(n)),
        4 => format!("{lead}{}", &"EXAMPLE".repeat(n / 7 + 1)[..n]),
        5 => {
            let run: String = (0..n).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
            format!("{lead}{run}")
        }
        k => {
            // URIs and connection strings keep their structure around the reference.
            let keep = if matches!(kind.carry, Carry::Uri | Carry::Connection) {
                lead
            } else {
                ""
            };
            match k {
                6 => format!("{keep}your_{word}_here"),
                7 => format!("{keep}${{{upper}}}"),
                8 => format!("{keep}<{}>", word.replace('_', "-")),
                _ => format!("{keep}{{{{ secrets.{upper} }}}}"),
            }
        }
    };
    carry(rng, kind, &format!("{body}{}", m.suffix), true)
}

/// A value of a prefixed `kind` one character short (or cut to ten characters, for formats of
/// a range of lengths), mentioned in prose; not a credential.
fn truncated(rng: &mut Rng, kind: &SecretKind) -> Option<String> {
    if kind.carry != Carry::Prefixed {
        return None;
    }
    let m = (kind.make)(rng);
    let cut = (m.lead + 10).min(m.value.len() - 1);
    let short = &m.value[..cut];
    Some(format!("the README shows {short}… which is cut off"))
}

/// Returns a value that looks like a secret of kind `i` but is none, with its carrier.
pub(crate) fn decoy(rng: &mut Rng, i: usize) -> String {
    let kind = &KINDS[i];
    if rng.chance(0.2) {
        if let Some(s) = truncated(rng, kind) {
            return s;
        }
    }
    placeholder(rng, kind)
}

/// Makes one value of kind `i` (for `pii::make`).
pub(crate) fn make(i: usize, rng: &mut Rng) -> String {
    (KINDS[i].make)(rng).value
}

/// What record `index` carries from this module: a secret of a kind, a placeholder of a kind,
/// or nothing.
fn turn(seed: u64, index: u64) -> Option<(bool, usize)> {
    let phase = index % EVERY;
    if phase != 0 && phase != EVERY / 2 {
        return None;
    }
    let k = ((index / EVERY).wrapping_add(seed) % KINDS.len() as u64) as usize;
    Some((phase == 0, k))
}

/// A secret or placeholder planned for a record, with its field.
pub(crate) struct Planned {
    pub field: Field,
    sentence: String,
    truth: Option<Truth>,
    rng: Rng,
}

/// Decides what record `index` carries and where: the prompt (or, for an answered call,
/// sometimes the answer); in an OpenAI Batch line, the answer, if there is one.
pub(crate) fn plan(seed: u64, index: u64, batch: bool, has_response: bool) -> Option<Planned> {
    let (real, k) = turn(seed, index)?;
    let mut rng = Rng::derive(seed, STREAM_SECRETS, index);
    let field = if batch {
        if !has_response {
            return None;
        }
        Field::BatchContent
    } else if has_response && rng.chance(0.3) {
        Field::Response
    } else {
        Field::Prompt
    };
    let kind = &KINDS[k];
    if !real {
        let sentence = decoy(&mut rng, k);
        return Some(Planned {
            field,
            sentence,
            truth: None,
            rng,
        });
    }
    let m = (kind.make)(&mut rng);
    let sentence = carry(&mut rng, kind, &format!("{}{}", m.value, m.suffix), false);
    Some(Planned {
        field,
        sentence,
        truth: Some(Truth {
            field,
            kind: PiiKind::Secret(k as u8),
            value: m.value,
        }),
        rng,
    })
}

/// Plants `p` into `target` (the text of `p.field`): adds the insertion to `ins` and the
/// truth row to `truth`; returns the number of bytes added, which the record's token counts
/// leave out so that planting changes no other field.
pub(crate) fn plant(
    mut p: Planned,
    target: &str,
    ins: &mut Vec<Insert>,
    truth: &mut Vec<Truth>,
) -> usize {
    let one = super::plant::place_decoy(&mut p.rng, target, p.sentence);
    let added = one.text.len();
    ins.push(one);
    truth.extend(p.truth);
    added
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pii::{types::BUILTIN, Detectors, PiiConfig};

    #[test]
    fn every_secret_type_of_the_registry_has_a_maker() {
        // PEM keys and JWTs are `pii` kinds, drawn with the other planted values.
        let labels: Vec<&str> = KINDS
            .iter()
            .map(|k| k.label)
            .chain(["PRIVATE_KEY", "JWT"])
            .collect();
        for d in BUILTIN.iter().filter(|d| d.is_secret()) {
            assert!(
                labels.contains(&d.name),
                "{} has no maker in gen/secrets.rs",
                d.name
            );
        }
        assert!(KINDS.len() < 256, "PiiKind::Secret holds a u8");
    }

    #[test]
    fn made_values_are_found_exactly_in_every_carrier() {
        let d = Detectors::new(&PiiConfig::default()).unwrap();
        let mut rng = Rng::new(41);
        for (i, kind) in KINDS.iter().enumerate() {
            for _ in 0..60 {
                let m = (kind.make)(&mut rng);
                let text = carry(&mut rng, kind, &format!("{}{}", m.value, m.suffix), false);
                let f = d.found(&text);
                assert_eq!(
                    f,
                    [(kind.label.to_string(), m.value.clone())],
                    "kind {i} in {text:?}"
                );
            }
        }
    }

    #[test]
    fn placeholders_and_truncated_values_are_not_found() {
        let d = Detectors::new(&PiiConfig::default()).unwrap();
        let mut rng = Rng::new(43);
        for (i, kind) in KINDS.iter().enumerate() {
            for _ in 0..80 {
                let text = decoy(&mut rng, i);
                let f = d.found(&text);
                assert!(f.is_empty(), "{}: {text:?} -> {f:?}", kind.label);
            }
        }
    }

    #[test]
    fn checksums_verify() {
        let mut rng = Rng::new(3);
        for _ in 0..200 {
            let npm = make(
                KINDS.iter().position(|k| k.label == "NPM_TOKEN").unwrap(),
                &mut rng,
            );
            assert!(crate::pii::checksum::crc32_base62_tail(
                &npm.as_bytes()[4..]
            ));
            let at = make(
                KINDS
                    .iter()
                    .position(|k| k.label == "ATLASSIAN_API_TOKEN")
                    .unwrap(),
                &mut rng,
            );
            let (body, check) = at.rsplit_once('=').unwrap();
            assert_eq!(check, format!("{:08X}", crc32(body.as_bytes())));
        }
    }

    #[test]
    fn kinds_take_turns() {
        let mut seen = vec![0u32; KINDS.len()];
        for index in 0..EVERY * KINDS.len() as u64 {
            if let Some((true, k)) = turn(9, index) {
                seen[k] += 1;
            }
        }
        assert!(seen.iter().all(|&n| n == 1), "{seen:?}");
    }
}
