-- The 20 slowest requests, with the file and line to open for each.
SELECT
    ts,
    request_id,
    model,
    version,
    endpoint,
    tenant,
    status,
    latency_ms,
    tokens_in,
    tokens_out,
    file,
    line
FROM requests
WHERE latency_ms IS NOT NULL
ORDER BY latency_ms DESC, file, line
LIMIT 20
