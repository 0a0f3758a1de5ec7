#!/usr/bin/env bash
# Runs fuzz targets one after another, each for SECONDS (default 600), at low priority, with
# the seed corpus from seed.sh. Crashes land in fuzz/artifacts/<target>/; move each into
# fuzz/regressions/<target>/ once fixed, so `cargo test` replays it.
#   fuzz/run.sh [SECONDS] [TARGET...]        (default: every target)
set -uo pipefail
cd "$(dirname "$0")"
secs=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(json_line detectors redaction report)
export CARGO_TARGET_DIR=${FUZZ_TARGET_DIR:-${CARGO_TARGET_DIR:-$PWD/target}}
[ -d corpus/json_line ] || ./seed.sh
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    extra=(-max_len=16384)
    # `report` runs the whole command, thread pool included: rayon's workers exit after the pool
    # is dropped, which LeakSanitizer reports as a leak of their deques. Smaller inputs keep its
    # rate up (a file of a few dozen lines reaches every analysis).
    [ "$t" = report ] && extra=(-max_len=4096 -detect_leaks=0)
    nice -n 19 cargo +nightly fuzz run -O "$t" "corpus/$t" -- \
        -max_total_time="$secs" "${extra[@]}" -timeout=10 -rss_limit_mb=4096 \
        -artifact_prefix="artifacts/$t/" -print_final_stats=1 > "artifacts/$t.log" 2>&1
    runs=$(awk '/stat::number_of_executed_units/{print $2}' "artifacts/$t.log")
    echo "$(date -u +%FT%TZ) $t ${secs}s executions=${runs:-?} $(grep -m1 -E 'panicked|SUMMARY' "artifacts/$t.log")" \
        | tee -a artifacts/runs.log
done
