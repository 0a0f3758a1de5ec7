#!/usr/bin/env bash
# benches/query.sh: times one SQL group-by over a JSONL file, `logwarden query` against DuckDB
# (Python package), with the same thread count, and checks that both return the same numbers.
#
#   benches/query.sh INPUT.jsonl [THREADS] [RUNS]
#
# INPUT: e.g. `logwarden gen --records 450000 -o /tmp/big.jsonl` (about 1 GB). THREADS
# defaults to 2, RUNS to 5. The logwarden binary is $LOGWARDEN, else target/release/logwarden
# (built if missing). Prints a Markdown table (best and median wall seconds, CPU seconds) that
# benches/compare.sh can paste into BENCHMARKS.md. Exits 1 if the results differ.
set -euo pipefail

input=${1:?usage: benches/query.sh INPUT.jsonl [THREADS] [RUNS]}
threads=${2:-2}
runs=${3:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${LOGWARDEN:-${CARGO_TARGET_DIR:-$root/target}/release/logwarden}
if [[ ! -x $bin ]]; then
    (cd "$root" && cargo build --release --quiet)
fi
if ! python3 -c 'import duckdb' 2>/dev/null; then
    echo "benches/query.sh: python3 with duckdb is needed (pip install duckdb)" >&2
    exit 2
fi

exec python3 - "$bin" "$input" "$threads" "$runs" <<'PY'
import csv, io, os, resource, statistics, subprocess, sys, time

import duckdb

bin_path, input_path, threads, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
sql = ("SELECT model, count(*) AS requests, avg(latency_ms) AS avg_ms, "
       "quantile_cont(latency_ms, 0.95) AS p95_ms, sum(cost_usd) AS cost_usd "
       "FROM requests GROUP BY model ORDER BY model")

def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime

def self_cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime

def run_logwarden():
    cpu0, t0 = children_cpu(), time.perf_counter()
    out = subprocess.run([bin_path, "query", "-q", "-j", str(threads), "--sql", sql, input_path],
                         check=True, capture_output=True, text=True).stdout
    wall, cpu = time.perf_counter() - t0, children_cpu() - cpu0
    rows = list(csv.reader(io.StringIO(out)))[1:]
    return wall, cpu, rows

def run_duckdb(source):
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    con.execute(f"CREATE VIEW requests AS SELECT * FROM {source}")
    cpu0, t0 = self_cpu(), time.perf_counter()
    rows = con.execute(sql).fetchall()
    wall, cpu = time.perf_counter() - t0, self_cpu() - cpu0
    con.close()
    return wall, cpu, [[str(v) for v in r] for r in rows]

escaped = input_path.replace("'", "''")
engines = [
    ("logwarden query", run_logwarden),
    ("DuckDB read_json (auto schema)",
     lambda: run_duckdb(f"read_json('{escaped}', format = 'newline_delimited')")),
    ("DuckDB read_json (columns given)",
     lambda: run_duckdb(f"read_json('{escaped}', format = 'newline_delimited', columns = "
                        "{'model': 'VARCHAR', 'latency_ms': 'DOUBLE', 'cost_usd': 'DOUBLE'})")),
]

def same(a, b):
    if len(a) != len(b):
        return False
    for ra, rb in zip(a, b):
        for x, y in zip(ra, rb):
            if x == y:
                continue
            try:
                fx, fy = float(x), float(y)
            except ValueError:
                return False
            if abs(fx - fy) > 1e-9 * max(1.0, abs(fx), abs(fy)):
                return False
    return True

size = os.path.getsize(input_path)
for _, fn in engines:
    fn()  # warm the page cache and each engine once
# Runs are interleaved (one of each engine per round) so a busy moment on a shared machine
# does not land on one engine only.
walls = {name: [] for name, _ in engines}
cpus = {name: [] for name, _ in engines}
reference = None
for _ in range(runs):
    for name, fn in engines:
        wall, cpu, rows = fn()
        walls[name].append(wall)
        cpus[name].append(cpu)
        if reference is None:
            reference = rows
        elif not same(reference, rows):
            print(f"results differ: {name}\n  logwarden: {reference}\n  {name}: {rows}", file=sys.stderr)
            sys.exit(1)
results = [(name, min(walls[name]), statistics.median(walls[name]), statistics.median(cpus[name]))
           for name, _ in engines]

print(f"### query: group-by over {size / 1e9:.2f} GB of JSONL ({len(reference)} groups), {threads} threads, {runs} runs\n")
print(f"`{sql}`\n")
print("| engine | best s | median s | median CPU s | GB/s (best) |")
print("|---|---:|---:|---:|---:|")
for name, best, median, cpu in results:
    print(f"| {name} | {best:.2f} | {median:.2f} | {cpu:.2f} | {size / 1e9 / best:.2f} |")
PY
