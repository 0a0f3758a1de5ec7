//! Prose for prompts and responses: a small multilingual corpus (accents, CJK, emoji, code
//! with quotes, backslashes and tabs) stitched to a target length with filled-in variables.

use super::rng::Rng;

/// Team names with accents and scripts other than Latin, for prose. Not person names: people
/// are planted (and recorded as truth) by `people`, so prose never holds an unrecorded name.
const NAMES: &[&str] = &[
    "Fénix",
    "Núcleo",
    "Åsgard",
    "Étoile",
    "Blåbær",
    "Ñandú",
    "Cœur",
    "Žalgiris",
    "Sirius",
    "Mañana",
    "Nørd",
    "Über",
    "Kraków Data",
    "北极星",
    "Señal",
    "Île",
    "Zürich Ops",
    "Ärzte",
];
const CITIES: &[&str] = &[
    "Zürich",
    "São Paulo",
    "Berlin",
    "Tokyo",
    "Montréal",
    "Austin",
    "Lagos",
    "Kraków",
    "Seoul",
    "Lyon",
    "Bengaluru",
    "Dublin",
];
const PRODUCTS: &[&str] = &[
    "Pro",
    "Team",
    "Enterprise",
    "Starter",
    "Analytics add-on",
    "Storage 2 TB",
    "Premium Support",
];
const MONTHS: &[&str] = &["September", "October", "November", "December", "January"];

/// Expands `~` markers in `piece` into `out`.
///
/// Markers: `~n` small number, `~k` account number, `~m` team name, `~c` city, `~p` product,
/// `~d` date, `~$` amount, `~q` quarter, `~y` year. Unknown markers are copied verbatim.
pub(crate) fn fill(rng: &mut Rng, piece: &str, out: &mut String) {
    let mut rest = piece;
    while let Some(i) = rest.find('~') {
        out.push_str(&rest[..i]);
        let tag = rest.as_bytes().get(i + 1).copied().unwrap_or(b' ');
        match tag {
            b'n' => out.push_str(&rng.range(2, 4_999).to_string()),
            b'k' => out.push_str(&rng.range(10_000, 999_999).to_string()),
            b'm' => out.push_str(rng.pick::<&str>(NAMES)),
            b'c' => out.push_str(rng.pick::<&str>(CITIES)),
            b'p' => out.push_str(rng.pick::<&str>(PRODUCTS)),
            b'd' => out.push_str(&format!("{} {}", rng.pick(MONTHS), rng.range(1, 28))),
            b'$' => out.push_str(&format!("${}.{:02}", rng.range(5, 2_400), rng.below(100))),
            b'q' => out.push_str(&rng.range(1, 4).to_string()),
            b'y' => out.push_str(&rng.range(2023, 2026).to_string()),
            _ => {
                out.push('~');
                rest = &rest[i + 1..];
                continue;
            }
        }
        rest = &rest[i + 2..];
    }
    out.push_str(rest);
}

const OPENERS: &[&str] = &[
    "Hi team, ",
    "Hello! ",
    "Quick question: ",
    "Bonjour, ",
    "Hola, ",
    "你好！",
    "Guten Tag, ",
    "Hey there — ",
    "Good morning from ~c. ",
    "",
    "",
    "",
];

const CHAT_ASKS: &[&str] = &[
    "Can you explain the difference between a mutex and a semaphore with an example?",
    "Please rewrite this paragraph in a friendlier tone for our customers.",
    "Write a SQL query that returns the top ~n customers by revenue for last quarter.",
    "What are the main risks of migrating our billing service to a new region?",
    "Draft a polite reply to the ~m team, who are asking about the ~p plan pricing.",
    "Why does my Python script fail with \"UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff\"?",
    "How should I structure the onboarding checklist for a new support agent in ~c?",
    "Give me three subject lines for the ~d product update newsletter.",
    "Help me debug this regex: it should match \"ID-1234\" but not \"ID-12\".",
    "Is it safe to run `rm -rf ./build` inside the CI container? Explain briefly.",
    "Explain what a p99 latency SLO means to a non-technical stakeholder.",
    "Can you compare the ~p and Enterprise plans in a short table?",
    "Write unit tests for a function that parses durations like \"1h30m\".",
    "What's a good way to deduplicate ~n thousand rows in a spreadsheet?",
];

const CONTEXT: &[&str] = &[
    "We have roughly ~n active users and the dashboard is getting slow during peak hours.",
    "The quarterly numbers were flat compared to last year, mostly because of the delayed launch in ~c.",
    "The ~m team wants the summary to fit on a single slide.",
    "The customer mentioned they were charged ~$ on ~d but expected a discount.",
    "Context: the service runs on three nodes behind a load balancer, with a shared Postgres database.",
    "Le client a demandé un remboursement pour la commande, mais ça n'a pas marché.",
    "Der Kunde möchte die Rechnung stornieren und fragt nach einer Gutschrift.",
    "请帮我把下面的内容翻译成英文，并保持语气正式。",
    "この会議の要点を三つにまとめてください。",
    "회의록을 요약해 주세요. 중요한 결정 사항만 포함해 주세요.",
    "Спасибо за быструю помощь! Но у меня есть ещё один вопрос.",
    "مرحبا، أحتاج إلى مساعدة في إعدادات حسابي.",
    "The launch went fine 🚀 but the analytics page still shows last week's data 🤔.",
    "I tried clearing the cache twice and restarting the app, no luck 😕.",
    "Here is the error from the logs:\n\tat com.acme.billing.Invoice.render(Invoice.java:~n)\n\tat com.acme.billing.Job.run(Job.java:~n)",
    "The config lives in C:\\Users\\svc-build\\AppData\\Local\\Acme\\settings.ini and has \"debug=true\".",
    "The pattern I use is \"^\\\\d{3}-\\\\w+$\" but it rejects valid IDs.",
    "Sample payload: {\"team\": \"~m\", \"items\": [~n, ~n], \"note\": \"rush \\\"asap\\\"\"}",
    "Columns:\tregion\tplan\trevenue\nEMEA\t~p\t~$\nAPAC\tTeam\t~$",
    "We are based in ~c and most of our users write in Spanish, Portuguese or Japanese.",
    "Internally we call this the \"Q~q cleanup\" project; it started in ~y.",
    "The ~m team asked for a version without jargon, ideally under 200 words.",
    "The vendor's SLA promises 99.9% availability, measured monthly.",
    "The previous answer missed the part about annual billing — please include it.",
    "Attached notes (pasted):\n- kickoff on ~d\n- budget approved\n- open question: hiring in ~c",
    "Naïve approaches time out after ~n seconds on the full data set.",
    "Our café chain in ~c uses the ~p plan for ~n locations.",
    "For reference, ticket #~n was closed without a resolution last week.",
    "The mobile app shows \"Something went wrong\" right after login.",
    "Terminal output: \u{1b}[31mERROR\u{1b}[0m build step 3/7 exited with code 137",
];

const ANSWERS: &[&str] = &[
    "Sure! Here's a concise overview.",
    "Certainly. The key difference is that a mutex has an owner, while a semaphore only counts permits.",
    "Based on the context you shared, the most likely cause is a stale cache on the client.",
    "Here are a few options you could consider:\n\n1. Start with the smallest change that can be measured.\n2. Roll it out to one region first.\n3. Compare error rates before and after.",
    "In short: the p99 latency is the time under which 99 out of 100 requests complete.",
    "I'd recommend keeping the summary to three bullet points and one clear next step.",
    "Here's a query that should work:\n\n```sql\nSELECT customer_id, SUM(amount) AS revenue\nFROM invoices\nWHERE paid_at >= DATE '~y-07-01'\nGROUP BY customer_id\nORDER BY revenue DESC\nLIMIT ~n;\n```",
    "You can escape the backslash like this: \"C:\\\\temp\\\\out.txt\", or use a raw string.",
    "Voilà une proposition de réponse, plus chaleureuse et concise.",
    "以下是翻译结果，语气保持正式。",
    "要点は次の三つです：予算、スケジュール、採用。",
    "Great question 👍 — the short answer is yes, with one caveat.",
    "The ~p plan includes priority support and up to ~n seats; Enterprise adds SSO and audit logs.",
    "Here is a test skeleton:\n\n```rust\n#[test]\nfn parses_minutes() {\n\tassert_eq!(parse(\"1h30m\"), Some(5400));\n}\n```",
    "Note that the vendor's 99.9% SLA still allows about 43 minutes of downtime per month.",
    "If the error persists, collect the request id and the exact time so the team can trace it.",
    "Let me know if you want a longer version or a different tone.",
    "I couldn't verify that detail from the documents provided, so treat it as an assumption.",
    "Summary for the ~m team: the migration is on track, the main risk is the data backfill in ~c.",
    "| Plan | Seats | Support |\n|------|-------|---------|\n| ~p | ~n | business hours |\n| Enterprise | unlimited | 24/7 |",
];

/// Draws a target length (in bytes) from a log-normal clamped to `[100, 2700]`.
///
/// The cap leaves room for the last appended piece and any planted values, so finished
/// texts stay within about 3000 bytes.
pub(crate) fn target_len(rng: &mut Rng, median: f64) -> usize {
    rng.lognormal(median, 0.7).clamp(100.0, 2700.0) as usize
}

/// Appends pieces drawn from `pool` until `out` reaches `target` bytes.
fn pad(rng: &mut Rng, pool: &[&str], target: usize, out: &mut String) {
    while out.len() < target {
        if !out.is_empty() && !out.ends_with(char::is_whitespace) {
            out.push_str(if rng.chance(0.15) { "\n\n" } else { " " });
        }
        let piece = *rng.pick(pool);
        fill(rng, piece, out);
    }
}

/// The kind of request an endpoint serves, which shapes its prompt and answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Task {
    Chat,
    Summarize,
    Embed,
    Classify,
    Extract,
}

impl Task {
    /// Maps an endpoint path to its task.
    pub(crate) fn of_endpoint(endpoint: &str) -> Task {
        match endpoint {
            "/v1/summarize" => Task::Summarize,
            "/v1/embeddings" => Task::Embed,
            "/v1/classify" => Task::Classify,
            "/v1/extract" => Task::Extract,
            _ => Task::Chat,
        }
    }
}

/// Writes a one-off user prompt for `task` of roughly `target` bytes.
pub(crate) fn prompt(rng: &mut Rng, task: Task, target: usize, out: &mut String) {
    match task {
        Task::Chat => {
            let opener = *rng.pick(OPENERS);
            fill(rng, opener, out);
            let ask = *rng.pick(CHAT_ASKS);
            fill(rng, ask, out);
        }
        Task::Summarize => {
            let what = *rng.pick(&[
                "meeting notes",
                "support thread",
                "incident report",
                "contract",
                "article",
            ]);
            out.push_str("Summarize the following ");
            out.push_str(what);
            out.push_str(" in 3 bullet points:\n\n");
        }
        Task::Embed => {}
        Task::Classify => out.push_str(
            "Classify the sentiment of this customer review (positive, neutral, negative):\n\n\"",
        ),
        Task::Extract => out.push_str(
            "Extract the invoice number, date and total as JSON from the text below.\n\n",
        ),
    }
    pad(rng, CONTEXT, target, out);
    if task == Task::Classify {
        out.push('"');
    }
}

/// Writes a model answer for `task` of roughly `target` bytes.
pub(crate) fn response(rng: &mut Rng, task: Task, target: usize, out: &mut String) {
    match task {
        Task::Embed => {}
        Task::Classify => {
            let label = *rng.pick(&["positive", "positive", "neutral", "negative"]);
            out.push_str(&format!(
                "{{\"label\": \"{label}\", \"score\": 0.{}}}\n\nRationale: the review mentions specific outcomes and the overall tone is {label}; mixed remarks were weighed by how central they are to the experience.",
                rng.range(55, 99)
            ));
        }
        Task::Extract => {
            out.push_str(&format!(
                "```json\n{{\n  \"invoice_number\": \"INV-{}\",\n  \"date\": \"2026-{:02}-{:02}\",\n  \"total\": {}.{:02},\n  \"currency\": \"EUR\"\n}}\n```\nThe total includes VAT; the \"due date\" field was not present in the text.",
                rng.range(10_000, 99_999),
                rng.range(1, 12),
                rng.range(1, 28),
                rng.range(10, 9_999),
                rng.below(100)
            ));
        }
        Task::Summarize => {
            out.push_str("Summary:\n");
            while out.len() < target.min(1200) {
                out.push_str("- ");
                let piece = *rng.pick(CONTEXT);
                fill(rng, piece, out);
                out.push('\n');
            }
        }
        Task::Chat => pad(rng, ANSWERS, target, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_expands_markers() {
        let mut rng = Rng::new(1);
        let mut s = String::new();
        fill(&mut rng, "a ~n b ~m c ~$ d ~z e~", &mut s);
        assert!(!s.contains("~n") && !s.contains("~m") && !s.contains("~$"));
        assert!(s.contains("~z") && s.ends_with('~'));
    }

    #[test]
    fn lengths_are_bounded() {
        let mut rng = Rng::new(2);
        for _ in 0..200 {
            let t = target_len(&mut rng, 500.0);
            assert!((100..=2700).contains(&t));
            let mut s = String::new();
            prompt(&mut rng, Task::Chat, t, &mut s);
            assert!(s.len() >= t && s.len() < t + 400, "{} vs {t}", s.len());
        }
    }
}
