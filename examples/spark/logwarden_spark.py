"""Sharded `logwarden report` on Apache Spark: each task runs the logwarden binary on its shard
with `--emit-state` and returns the state's bytes; the driver writes them in shard order and
runs one `logwarden merge`, whose report equals one run over all the shards.

The binary is shipped to the executors with `SparkContext.addFile` (so it needs only to exist
on the driver); the shards (one directory each, `part-NNNN/` under LOGS_ROOT) must be readable
by the executors at the same path: a shared file system (NFS, EFS, a FUSE mount of the bucket),
or local disks that already hold each machine's own logs.

    spark-submit examples/spark/logwarden_spark.py --logwarden target/release/logwarden \
        --logs-root /data/logs --out /data/reports/latest [--states DIR] [-- REPORT OPTIONS]

Report options after `--` (e.g. `--by day,model`, `--config logwarden.toml`) go to every shard
and to the merge; the fingerprint key comes from LOGWARDEN_PII_KEY, which must be set alike on
the driver and the executors (`spark.executorEnv.LOGWARDEN_PII_KEY`).
"""

import argparse
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time

from pyspark import SparkFiles
from pyspark.sql import SparkSession


def shard_task(binary_name, logs_root, report_opts):
    """The function each task runs over its partition of (index, shard directory) pairs."""

    def run(partition):
        shipped = SparkFiles.get(binary_name)
        for index, shard in partition:
            with tempfile.TemporaryDirectory(prefix="logwarden-shard-") as tmp:
                # A private executable copy: addFile does not promise the executable bit.
                binary = os.path.join(tmp, "logwarden")
                shutil.copyfile(shipped, binary)
                os.chmod(binary, stat.S_IRWXU)
                state = os.path.join(tmp, "shard.state")
                done = subprocess.run(
                    [binary, "report", shard + "/", "--emit-state", state, "--quiet", *report_opts],
                    cwd=logs_root,
                    stdin=subprocess.DEVNULL,
                    capture_output=True,
                    text=True,
                )
                if done.returncode != 0:
                    # The task fails (and Spark retries it) with logwarden's own one-line error.
                    raise RuntimeError(
                        f"logwarden report {shard}: exit {done.returncode}: {done.stderr.strip()}"
                    )
                with open(state, "rb") as f:
                    yield index, f.read()

    return run


def main():
    argv = sys.argv[1:]
    report_opts = []
    if "--" in argv:
        at = argv.index("--")
        argv, report_opts = argv[:at], argv[at + 1 :]
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--logwarden", required=True, help="the logwarden binary, on the driver")
    p.add_argument("--logs-root", required=True, help="the directory holding part-NNNN/")
    p.add_argument("--out", required=True, help="the merged report folder")
    p.add_argument("--states", help="where the driver keeps the shard states (default: a temporary directory)")
    args = p.parse_args(argv)

    logs_root = os.path.abspath(args.logs_root)
    shards = sorted(d for d in os.listdir(logs_root) if d.startswith("part-"))
    if not shards:
        sys.exit(f"{logs_root}: no part-NNNN/ directories")

    spark = SparkSession.builder.appName("logwarden-sharded-report").getOrCreate()
    sc = spark.sparkContext
    sc.addFile(os.path.abspath(args.logwarden))
    binary_name = os.path.basename(args.logwarden)

    started = time.monotonic()
    # One partition a shard, so each task folds one shard and a failed one is retried alone.
    states = (
        sc.parallelize(list(enumerate(shards)), len(shards))
        .mapPartitions(shard_task(binary_name, logs_root, report_opts))
        .collect()
    )
    tasks_done = time.monotonic()
    states.sort()
    if [i for i, _ in states] != list(range(len(shards))):
        sys.exit("not every shard returned one state")

    keep = args.states or tempfile.mkdtemp(prefix="logwarden-states-")
    os.makedirs(keep, exist_ok=True)
    paths = []
    for index, data in states:
        path = os.path.join(keep, f"{index:04d}.state")
        with open(path, "wb") as f:
            f.write(data)
        paths.append(path)
    subprocess.run(
        [os.path.abspath(args.logwarden), "merge", *paths, "-o", args.out, "--quiet", *report_opts],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    merged = time.monotonic()
    state_bytes = sum(len(d) for _, d in states)
    print(
        f"spark: {len(shards)} shards folded in {tasks_done - started:.1f} s "
        f"({state_bytes / 1e6:.1f} MB of state to the driver), merged in {merged - tasks_done:.1f} s"
    )
    if not args.states:
        shutil.rmtree(keep)
    spark.stop()


if __name__ == "__main__":
    main()
