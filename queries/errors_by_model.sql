-- Error types per model with their share of the model's requests, most frequent first.
WITH totals AS (
    SELECT model, count(*) AS requests
    FROM requests
    GROUP BY model
),
errors AS (
    SELECT model, error_type, min(status) AS first_status, count(*) AS errors
    FROM requests
    WHERE error_type IS NOT NULL
    GROUP BY model, error_type
)
SELECT
    e.model,
    e.error_type,
    e.first_status,
    e.errors,
    t.requests,
    CAST(e.errors AS DOUBLE) / t.requests AS error_share
FROM errors e
JOIN totals t ON e.model = t.model
ORDER BY e.model, e.errors DESC, e.error_type
