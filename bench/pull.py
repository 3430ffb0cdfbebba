#!/usr/bin/env python3
"""schemac pull at scale, and drizzle-kit pull on the same database.

Builds a database of N tables (generate.py's synthetic schema: ten columns
of mixed types, an enum, two indexes and a foreign key each; with
--functions also a view per ten tables, sql functions and triggers) by
generating it with schemac and applying the migration, then times, over
interleaved rounds, `schemac pull` of it into a new project (and
`drizzle-kit pull` with --drizzle), with the peak memory of each run.

    cargo build --release -p schemac
    python3 bench/pull.py                          # 1,000 tables
    python3 bench/pull.py --sizes 1000 --rounds 5 --functions --drizzle

DATABASE_URL names the server (postgres://postgres@127.0.0.1:5432/postgres
by default); the database is made there and dropped after.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import ROOT, Figures, drizzle_kit, schemac_yaml, timed, with_functions, write  # noqa: E402


def psql(url, *args):
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url, *args], check=True, stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--functions", action="store_true", help="views, functions and triggers too")
    parser.add_argument("--drizzle", action="store_true", help="also run drizzle-kit 0.31's pull")
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    base = server.rsplit("/", 1)[0]
    schemac = os.path.join(ROOT, "target", "release", "schemac")
    figures = Figures()
    scratch = tempfile.mkdtemp(prefix="schemac-pull-bench-")
    try:
        for n in [int(s) for s in args.sizes.split(",")]:
            source = os.path.join(scratch, f"source_{n}")
            files = schemac_yaml(n, False)
            if args.functions:
                files = with_functions(files, n)
            write(source, files)
            subprocess.run([schemac, "-C", source, "generate"], check=True, stdout=subprocess.DEVNULL)
            name = f"schemac_pull_bench_{n}"
            psql(server, "-c", f"DROP DATABASE IF EXISTS {name}", "-c", f"CREATE DATABASE {name}")
            url = f"{base}/{name}"
            psql(url, "-f", os.path.join(source, "migrations", "0000_init.sql"))
            for r in range(args.rounds):
                out = os.path.join(scratch, f"pull_{n}_{r}")
                os.makedirs(out)
                t, mb = timed([schemac, "-C", out, "pull", "--url", url], cwd=out)
                figures.add((n, "schemac"), t, mb)
                if args.drizzle:
                    exe = drizzle_kit(scratch)
                    # drizzle-kit's pull connects with node-postgres.
                    if not os.path.exists(os.path.join(scratch, "node_modules", "pg")):
                        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "pg"], cwd=scratch, check=True)
                    dout = os.path.join(scratch, f"drizzle_{n}_{r}")
                    t, mb = timed([exe, "pull", "--dialect", "postgresql", "--url", url, "--out", dout], cwd=scratch)
                    figures.add((n, "drizzle"), t, mb)
            psql(server, "-c", f"DROP DATABASE IF EXISTS {name}")
            line = f"{n} tables: schemac pull {figures.line((n, 'schemac'))}"
            if args.drizzle:
                ours, theirs = figures.median((n, "schemac")), figures.median((n, "drizzle"))
                line += f"  drizzle-kit pull {figures.line((n, 'drizzle'))}  {theirs / ours:.1f}× faster"
            print(line)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
