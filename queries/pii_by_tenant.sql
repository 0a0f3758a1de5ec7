-- Requests whose line held PII or a secret, per tenant (pii_types is filled by the PII audit), with their share of the tenant's traffic.
SELECT
    tenant,
    count(*) AS requests,
    sum(CASE WHEN pii_types <> '' THEN 1 ELSE 0 END) AS with_pii,
    sum(CASE WHEN pii_types <> '' THEN 1.0 ELSE 0.0 END) / count(*) AS pii_share
FROM requests
GROUP BY tenant
ORDER BY with_pii DESC, tenant
