-- Models with requests that neither logged a cost nor matched [prices]: add them to logwarden.toml to complete the cost reports.
SELECT
    model,
    count(*) AS unpriced_requests,
    sum(tokens_in) AS tokens_in,
    sum(tokens_out) AS tokens_out,
    min(ts) AS first_seen,
    max(ts) AS last_seen
FROM requests
WHERE cost_source = 'unpriced'
GROUP BY model
ORDER BY unpriced_requests DESC, model
