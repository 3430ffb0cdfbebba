#!/usr/bin/env python3
"""What the generated code costs an application to build.

For each size N, writes the synthetic schema of ../shared/bench/gen_synthetic.js
(N tables of ten columns, one enum of its own each, two indexes, a foreign key)
into a scratch crate whose build.rs renders it with `schemac::Builder` and
whose lib.rs `include!`s the result, the way an application uses schemac.
Dependencies are built first; then, per round, the schema is touched and the
crate rebuilt (debug), timing the rebuild and taking its peak memory (the
largest process of the build, which is rustc on the generated crate).

    python3 bench/build_cost.py                        # 100 and 500 tables, 2 rounds
    python3 bench/build_cost.py --sizes 500 --rounds 3 --keep /tmp/cost

Needs Node.js (for the generator script) and GNU time (/usr/bin/time).
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SYNTHETIC = os.path.join(os.path.dirname(ROOT), "shared", "bench", "gen_synthetic.js")

CARGO_TOML = """[package]
name = "build-cost-{n}"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
schemac-runtime = {{ path = "{root}/runtime" }}

[build-dependencies]
schemac = {{ path = "{root}/generator", default-features = false }}
"""

BUILD_RS = """fn main() {
    schemac::Builder::new().schema_dir("schema").generate().unwrap();
}
"""

LIB_RS = """#![allow(dead_code, missing_docs)]
pub mod db {
    include!(concat!(env!("OUT_DIR"), "/schema.rs"));
}
"""


def write_crate(directory, n):
    os.makedirs(os.path.join(directory, "schema"), exist_ok=True)
    os.makedirs(os.path.join(directory, "src"), exist_ok=True)
    with open(os.path.join(directory, "Cargo.toml"), "w") as f:
        f.write(CARGO_TOML.format(root=ROOT, n=n))
    with open(os.path.join(directory, "build.rs"), "w") as f:
        f.write(BUILD_RS)
    with open(os.path.join(directory, "src", "lib.rs"), "w") as f:
        f.write(LIB_RS)
    schema = subprocess.run(
        ["node", SYNTHETIC, str(n), "--format", "schemac"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    with open(os.path.join(directory, "schema", "tables.yaml"), "w") as f:
        f.write(schema)


def timed_build(directory, target):
    """One `cargo build`: wall seconds and peak resident memory in MB."""
    env = dict(os.environ, CARGO_TARGET_DIR=target)
    result = subprocess.run(
        ["/usr/bin/time", "-v", "cargo", "build", "-q"],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"the build failed:\n{result.stderr[-4000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    hours, minutes, seconds = wall.groups()
    total = int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    return total, int(rss.group(1)) / 1024


def generated_lines(target, n):
    """Lines of every Rust file the crate's build script wrote."""
    total = 0
    for base, _, files in os.walk(os.path.join(target, "debug", "build")):
        parent = os.path.basename(os.path.dirname(base))
        if os.path.basename(base) != "out" or not parent.startswith(f"build-cost-{n}-"):
            continue
        for name in files:
            if name.endswith(".rs"):
                with open(os.path.join(base, name)) as f:
                    total += sum(1 for _ in f)
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,500")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--keep", help="build in this directory and keep it")
    args = parser.parse_args()

    scratch = args.keep or tempfile.mkdtemp(prefix="schemac-build-cost-")
    target = os.path.join(scratch, "target")
    print(f"{'tables':>6} {'lines':>9} {'lines/table':>11} {'rebuild s':>16} {'peak MB':>14}")
    try:
        for n in [int(s) for s in args.sizes.split(",")]:
            crate = os.path.join(scratch, f"crate_{n}")
            shutil.rmtree(crate, ignore_errors=True)
            write_crate(crate, n)
            timed_build(crate, target)  # dependencies, and a first build
            times, peaks = [], []
            for _ in range(args.rounds):
                os.utime(os.path.join(crate, "schema", "tables.yaml"))
                wall, peak = timed_build(crate, target)
                times.append(wall)
                peaks.append(peak)
            lines = generated_lines(target, n)
            spread = f"{min(times):.1f}-{max(times):.1f}"
            peak = f"{min(peaks):.0f}-{max(peaks):.0f}"
            print(f"{n:>6} {lines:>9} {lines / n:>11.0f} {spread:>16} {peak:>14}", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
