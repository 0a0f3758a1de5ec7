-- The worst UTC days by server-error (5xx) rate, with their slowest percentile: candidates for incident reviews.
SELECT
    date,
    count(*) AS requests,
    sum(CASE WHEN status BETWEEN 500 AND 599 THEN 1 ELSE 0 END) AS errors_5xx,
    avg(CASE WHEN status BETWEEN 500 AND 599 THEN 1.0 ELSE 0.0 END) AS error_rate_5xx,
    quantile_cont(latency_ms, 0.99) AS p99_ms
FROM requests
WHERE date IS NOT NULL
GROUP BY date
ORDER BY error_rate_5xx DESC, date
LIMIT 5
