//! Recurring failure patterns (prompt templates that keep failing across weeks), feedback
//! comments, error catalogues, refusals, system prompts and client user agents.

/// A prompt template that recurs with varying details and tends to get a poor answer.
#[derive(Debug)]
pub(crate) struct Template {
    /// Phrasings of the prompt, with `~` markers (see `text::fill`).
    pub prompts: &'static [&'static str],
    /// The kind of (poor) answers it gets.
    pub answers: &'static [&'static str],
    /// Complaints users leave on it.
    pub comments: &'static [&'static str],
    /// Guardrail policy that refuses it, if the failure is a refusal.
    pub refuse: Option<&'static str>,
    /// Probability that retrieval comes back empty for it.
    pub empty_retrieval: f64,
    /// Probability that the user pastes their email into it (planted as PII).
    pub email_p: f64,
}

/// The recurring failure patterns.
pub(crate) const TEMPLATES: &[Template] = &[
    Template {
        prompts: &[
            "How do I reset my password for account ~k?",
            "I forgot my password for account ~k, how can I reset it?",
            "The password reset link for account ~k is not working. What do I do?",
        ],
        answers: &["To reset your password, open Settings > Security > Change password while signed in, then follow the prompts. If you do not see the option, try updating the app to the latest version."],
        comments: &["didn't help, I can't sign in so I can't reach settings", "the reset link still doesn't work", "useless answer, I'm locked out", "same answer as last week, still locked out"],
        refuse: None,
        empty_retrieval: 0.2,
        email_p: 0.3,
    },
    Template {
        prompts: &[
            "What is your refund policy for order #~k placed on ~d?",
            "Can I get a refund for order #~k? It arrived damaged.",
            "How many days do I have to return order #~k?",
        ],
        answers: &["You can request a full refund within 60 days of delivery, no questions asked. Refunds are issued to the original payment method within 24 hours."],
        comments: &["wrong answer about refund policy", "the policy is 30 days, not 60", "refund info is outdated", "it promised a refund we don't offer"],
        refuse: None,
        empty_retrieval: 0.1,
        email_p: 0.1,
    },
    Template {
        prompts: &[
            "Can you give me the source for the claim that remote teams ship ~n% faster?",
            "Which study says that onboarding emails improve retention by ~n%? Please cite it.",
        ],
        answers: &["According to Smith et al. (2019), \"Distributed Delivery Metrics\", Journal of Applied Software Economics, vol. 12, pp. 44–61, the effect is well documented."],
        comments: &["made up a citation", "that paper doesn't exist", "fake reference again", "hallucinated the journal"],
        refuse: None,
        empty_retrieval: 0.5,
        email_p: 0.0,
    },
    Template {
        prompts: &[
            "Please cancel my subscription to the ~p plan, customer ID ~k.",
            "Cancel the ~p plan for customer ~k effective today.",
        ],
        answers: &["I'm sorry, but I can't make changes to subscriptions. Please contact your account administrator."],
        comments: &["refused to cancel my subscription", "why can't it just cancel?", "unhelpful refusal", "sent me in circles"],
        refuse: Some("account-actions"),
        empty_retrieval: 0.0,
        email_p: 0.35,
    },
    Template {
        prompts: &[
            "Summarize the Q~q ~y earnings report for Globex Industries that I uploaded.",
            "What were the key numbers in the Q~q ~y earnings report I attached?",
        ],
        answers: &["I couldn't find any documents matching your request. Based on general knowledge, revenue grew about 12% with stable margins."],
        comments: &["it said there were no documents but I uploaded them", "numbers are made up", "missed the attachment again"],
        refuse: None,
        empty_retrieval: 0.85,
        email_p: 0.0,
    },
    Template {
        prompts: &[
            "Why was I charged twice on ~d for invoice INV-~k?",
            "I see two charges of ~$ on ~d. Invoice INV-~k. Please explain.",
        ],
        answers: &["Duplicate charges are usually temporary authorization holds and disappear within 1–2 business days. No action is needed."],
        comments: &["wrong answer about billing", "still charged twice, no help", "it's not a hold, it posted twice"],
        refuse: None,
        empty_retrieval: 0.2,
        email_p: 0.25,
    },
    Template {
        prompts: &[
            "Translate this clause into Japanese, formal register: \"The supplier shall deliver within ~n days.\"",
            "日本語に翻訳してください（丁寧語で）: \"Payment is due within ~n days of invoice.\"",
        ],
        answers: &["供給者は~n日以内に配達するよ。"],
        comments: &["translation is wrong", "mixed up formal and casual Japanese", "敬語になっていません"],
        refuse: None,
        empty_retrieval: 0.0,
        email_p: 0.0,
    },
];

/// Complaints for bad answers in general.
pub(crate) const NEGATIVE: &[&str] = &[
    "wrong answer",
    "didn't answer my question",
    "made up a citation",
    "response was cut off",
    "answered in the wrong language",
    "hallucinated a feature that doesn't exist",
    "ignored my instructions",
    "formatting is broken",
    "the code doesn't compile",
    "too vague to be useful",
    "c'était faux",
    "回答が間違っています",
    "contradicts what it said earlier",
    "outdated information 👎",
];
/// Praise for good answers.
pub(crate) const POSITIVE: &[&str] = &[
    "great, thanks!",
    "exactly what I needed",
    "👍",
    "perfect",
    "super helpful 🙏",
    "très utile, merci",
    "saved me an hour",
    "clear and concise",
    "",
    "nice table",
    "muy útil",
    "ありがとう！",
];
/// Lukewarm remarks.
pub(crate) const NEUTRAL: &[&str] = &[
    "ok",
    "partially helpful",
    "fine I guess",
    "",
    "a bit long",
    "meh",
];
/// Complaints about slowness.
pub(crate) const SLOW: &[&str] = &[
    "too slow",
    "took forever to answer",
    "way slower than yesterday",
    "too slow, gave up waiting",
];
/// Complaints on failed requests.
pub(crate) const ERRORED: &[&str] = &[
    "got an error",
    "it just failed",
    "timed out again",
    "error 503??",
    "spinner then nothing",
];

/// An error with its HTTP status, `error.type` and message.
pub(crate) type ErrorSpec = (u16, &'static str, &'static str);

/// Client errors with relative weights.
pub(crate) const CLIENT_ERRORS: &[(ErrorSpec, f64)] = &[
    (
        (
            400,
            "invalid_request_error",
            "Invalid value for 'temperature': must be between 0 and 2.",
        ),
        0.30,
    ),
    (
        (401, "authentication_error", "Invalid API key provided."),
        0.10,
    ),
    (
        (
            404,
            "not_found_error",
            "The model 'gpt-5-preview' does not exist or you do not have access to it.",
        ),
        0.08,
    ),
    (
        (
            413,
            "request_too_large",
            "Request exceeds the maximum size of 32 MB.",
        ),
        0.07,
    ),
    (
        (
            429,
            "rate_limit_exceeded",
            "Rate limit reached for requests per minute (RPM): limit 500, used 500.",
        ),
        0.45,
    ),
];

/// Server errors with relative weights (used both as background noise and in incidents).
pub(crate) const SERVER_ERRORS: &[(ErrorSpec, f64)] = &[
    (
        (
            504,
            "upstream_timeout",
            "Upstream model did not respond within 30s.",
        ),
        0.40,
    ),
    (
        (
            503,
            "overloaded",
            "The engine is currently overloaded, please try again later.",
        ),
        0.35,
    ),
    (
        (502, "bad_gateway", "Upstream returned an invalid response."),
        0.15,
    ),
    (
        (
            500,
            "internal_error",
            "The server had an error while processing your request.",
        ),
        0.10,
    ),
];

/// Guardrail policies that refuse ordinary requests now and then.
pub(crate) const REFUSE_POLICIES: &[&str] = &[
    "pii-exfiltration",
    "medical-advice",
    "jailbreak",
    "self-harm",
    "financial-advice",
];

/// Refusal texts.
pub(crate) const REFUSALS: &[&str] = &[
    "I'm sorry, but I can't help with that request.",
    "I can't assist with that. If you think this is a mistake, please contact support.",
    "Désolé, je ne peux pas répondre à cette demande.",
];

/// System prompts, two per tenant in [`super::scenario::TENANTS`] order.
pub(crate) const SYSTEM_PROMPTS: &[&str] = &[
    "You are Acme Corp's support assistant. Answer concisely, cite the help-center article you used, and never promise refunds outside the published policy.",
    "You are Acme's internal engineering helper. Prefer code examples in Rust or Python. If unsure, say so.",
    "You are Globex's billing assistant. Be polite and precise. Amounts are in EUR unless stated otherwise.",
    "You are a summarization engine for Globex. Output 3 bullets, each under 25 words.",
    "You are Initech's HR policy assistant. Only answer from the retrieved documents; otherwise reply \"I don't know\".",
    "You are Initech's IT helpdesk bot.\nRules:\n\t1. Never ask for passwords.\n\t2. Escalate hardware issues.",
    "You are a clinical documentation assistant for Umbrella Health. Do not give diagnoses. Use plain language.",
    "You are Umbrella Health's scheduling assistant. Confirm dates in ISO format (YYYY-MM-DD).",
    "You are Hooli's product Q&A assistant. Keep answers under 150 words.",
    "You are Hooli's translation assistant (EN ⇄ 日本語 ⇄ Español). Preserve formatting.",
];

/// Client user agents. Browser versions deliberately avoid four-part numbers that parse as IPv4.
pub(crate) const USER_AGENTS: &[&str] = &[
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.127 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "openai-python/1.54.3",
    "python-requests/2.32.3",
    "anthropic-typescript/0.32.1",
    "acme-mobile/4.18.2 (iOS 18.1; iPhone15,3)",
    "curl/8.10.1",
    "Go-http-client/2.0",
    "okhttp/4.12.0",
];
