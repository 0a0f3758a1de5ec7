-- Spend per tenant and model: requests, tokens, cost (logged or priced) and requests with no known cost, largest spend first.
SELECT
    tenant,
    model,
    count(*) AS requests,
    sum(tokens_in) AS tokens_in,
    sum(tokens_out) AS tokens_out,
    coalesce(sum(cost_usd), 0) AS cost_usd,
    sum(CASE WHEN cost_source = 'unpriced' THEN 1 ELSE 0 END) AS unpriced_requests
FROM requests
GROUP BY tenant, model
ORDER BY cost_usd DESC, tenant, model
