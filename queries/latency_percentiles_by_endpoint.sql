-- Exact latency percentiles per endpoint (linear interpolation, as numpy and DuckDB's quantile_cont) over requests with a latency.
SELECT
    endpoint,
    count(latency_ms) AS requests,
    quantile_cont(latency_ms, 0.5) AS p50_ms,
    quantile_cont(latency_ms, 0.9) AS p90_ms,
    quantile_cont(latency_ms, 0.95) AS p95_ms,
    quantile_cont(latency_ms, 0.99) AS p99_ms,
    max(latency_ms) AS max_ms
FROM requests
WHERE latency_ms IS NOT NULL
GROUP BY endpoint
ORDER BY endpoint
