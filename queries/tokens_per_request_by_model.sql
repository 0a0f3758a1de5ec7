-- Tokens per request by model: mean and p95 of input and output tokens, and cost per 1,000 tokens where cost is known.
SELECT
    model,
    count(*) AS requests,
    avg(tokens_in) AS avg_tokens_in,
    quantile_cont(tokens_in, 0.95) AS p95_tokens_in,
    avg(tokens_out) AS avg_tokens_out,
    quantile_cont(tokens_out, 0.95) AS p95_tokens_out,
    sum(cost_usd) * 1000.0 / sum(CASE WHEN cost_usd IS NOT NULL THEN tokens_in + tokens_out END) AS cost_per_1k_tokens
FROM requests
GROUP BY model
ORDER BY model
