-- Spend and tokens per UTC day and model, for charts and budget tracking.
SELECT
    date,
    model,
    count(*) AS requests,
    coalesce(sum(cost_usd), 0) AS cost_usd,
    sum(tokens_in) AS tokens_in,
    sum(tokens_out) AS tokens_out
FROM requests
WHERE date IS NOT NULL
GROUP BY date, model
ORDER BY date, model
