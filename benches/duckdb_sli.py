"""The DuckDB anchor for `logwarden sli --by day,model`: the same table from the same file."""
import duckdb, sys, time
f = sys.argv[1]
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
# `newline_delimited` (JSON Lines) or `array` (one top-level JSON array, benches/documents.sh).
fmt = sys.argv[3] if len(sys.argv) > 3 else "newline_delimited"
con = duckdb.connect()
con.execute(f"SET threads={threads}")
q = f"""
COPY (
WITH r AS (
  SELECT * FROM read_json('{f}', format='{fmt}', ignore_errors=true,
    columns={{ts:'VARCHAR', status:'INTEGER', latency_ms:'DOUBLE', model:'VARCHAR', cost_usd:'DOUBLE', tokens_in:'BIGINT', tokens_out:'BIGINT'}}))
SELECT strftime((CASE WHEN TRY_CAST(ts AS DOUBLE) IS NOT NULL THEN to_timestamp(TRY_CAST(ts AS DOUBLE)/1000) ELSE CAST(ts AS TIMESTAMPTZ) END) AT TIME ZONE 'UTC', '%Y-%m-%d') AS bucket, model,
  count(*) AS requests,
  count(*) FILTER (WHERE status BETWEEN 200 AND 299) AS success,
  count(*) FILTER (WHERE status BETWEEN 400 AND 499) AS errors_4xx,
  count(*) FILTER (WHERE status BETWEEN 500 AND 599) AS errors_5xx,
  count(*) FILTER (WHERE status BETWEEN 200 AND 299) / count(*) AS success_rate,
  quantile_cont(latency_ms, 0.5) AS p50_ms, quantile_cont(latency_ms, 0.95) AS p95_ms, quantile_cont(latency_ms, 0.99) AS p99_ms,
  coalesce(sum(cost_usd),0) AS cost_usd, coalesce(sum(tokens_in),0) AS tokens_in, coalesce(sum(tokens_out),0) AS tokens_out
FROM r WHERE ts IS NOT NULL GROUP BY ALL ORDER BY bucket, model NULLS LAST
) TO '/dev/stdout' (HEADER, DELIMITER ',')
"""
t = time.time()
con.execute(q)
sys.stderr.write(f"duckdb {time.time()-t:.3f}s\n")
