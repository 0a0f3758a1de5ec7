-- Answer quality per model and ISO week: mean confidence, low-confidence and negative-feedback shares (a drifting model shows here first).
SELECT
    model,
    strftime(ts, '%G-W%V') AS week,
    count(*) AS requests,
    avg(confidence) AS avg_confidence,
    avg(CASE WHEN reasons LIKE '%low_confidence%' THEN 1.0 ELSE 0.0 END) AS low_confidence_share,
    avg(CASE WHEN reasons LIKE '%negative_feedback%' THEN 1.0 ELSE 0.0 END) AS negative_feedback_share
FROM requests
WHERE ts IS NOT NULL
GROUP BY model, week
ORDER BY model, week
