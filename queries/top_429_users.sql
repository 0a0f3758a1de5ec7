-- Users rate-limited (HTTP 429) most often, with their share of requests rejected that way.
SELECT
    tenant,
    user_id,
    sum(CASE WHEN status = 429 THEN 1 ELSE 0 END) AS rate_limited,
    count(*) AS requests,
    sum(CASE WHEN status = 429 THEN 1.0 ELSE 0.0 END) / count(*) AS rate_limited_share
FROM requests
GROUP BY tenant, user_id
HAVING sum(CASE WHEN status = 429 THEN 1 ELSE 0 END) > 0
ORDER BY rate_limited DESC, tenant, user_id
LIMIT 20
