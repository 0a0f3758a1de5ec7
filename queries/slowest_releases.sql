-- Releases ranked by latency relative to each model's overall median, so a slow release shows even when its model mix differs.
WITH relative AS (
    SELECT
        version,
        latency_ms,
        latency_ms / median(latency_ms) OVER (PARTITION BY model) AS vs_model_median
    FROM requests
    WHERE latency_ms IS NOT NULL AND version IS NOT NULL
)
SELECT
    version,
    count(*) AS requests,
    median(vs_model_median) AS median_vs_model,
    quantile_cont(vs_model_median, 0.95) AS p95_vs_model,
    quantile_cont(latency_ms, 0.95) AS p95_ms
FROM relative
GROUP BY version
ORDER BY median_vs_model DESC, version
