-- Requests, success rate (2xx), 4xx/5xx rates and p95 latency per UTC day.
SELECT
    date,
    count(*) AS requests,
    sum(CASE WHEN success THEN 1 ELSE 0 END) AS success,
    avg(CASE WHEN success THEN 1.0 ELSE 0.0 END) AS success_rate,
    avg(CASE WHEN status BETWEEN 400 AND 499 THEN 1.0 ELSE 0.0 END) AS error_rate_4xx,
    avg(CASE WHEN status BETWEEN 500 AND 599 THEN 1.0 ELSE 0.0 END) AS error_rate_5xx,
    quantile_cont(latency_ms, 0.95) AS p95_ms
FROM requests
WHERE date IS NOT NULL
GROUP BY date
ORDER BY date
