-- Each release by rollout stage (internal, beta, full): traffic, success rate and p95 latency, to judge a rollout before it goes wide.
SELECT
    version,
    stage,
    count(*) AS requests,
    avg(CASE WHEN success THEN 1.0 ELSE 0.0 END) AS success_rate,
    quantile_cont(latency_ms, 0.95) AS p95_ms,
    min(ts) AS first_seen
FROM requests
WHERE version IS NOT NULL
GROUP BY version, stage
ORDER BY version, stage
