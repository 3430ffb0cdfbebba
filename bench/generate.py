#!/usr/bin/env python3
"""schemac generate at scale, and against drizzle-kit on the same schema.

Writes a synthetic schema of N tables (ten columns of mixed types, an enum
column, two indexes and a foreign key to the previous table each) in
schemac's YAML and as a drizzle-kit schema.ts, then times, over interleaved
rounds, a generate from scratch and one after a one-column change, with the
peak memory of each run.

    cargo build --release -p schemac
    python3 bench/generate.py                       # 100, 1,000 and 10,000 tables
    python3 bench/generate.py --sizes 1000 --rounds 5 --drizzle
    python3 bench/generate.py --sizes 1000 --rounds 5 --drizzle --synthetic
    python3 bench/generate.py --sizes 1000 --rounds 5 --views
    python3 bench/generate.py --sizes 1000 --rounds 5 --functions

--synthetic uses ../shared/bench/gen_synthetic.js's schema (one enum of its
own per table; its --modify changes one column) for both tools instead.
--drizzle also runs drizzle-kit (needs Node.js; the script installs
drizzle-kit 0.31 and drizzle-orm into a scratch directory with npm, once).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def schemac_yaml(n, changed):
    """The schema in schemac's language, one file per 100 tables."""
    files = {}
    lines = ["enums:", "  status: [draft, active, archived]", ""]
    files["schema/enums.yaml"] = "\n".join(lines)
    for start in range(0, n, 100):
        out = ["tables:"]
        for i in range(start, min(n, start + 100)):
            out += [
                f"  table_{i}:",
                "    columns:",
                "      id: { type: bigserial, primary_key: true }",
                "      name: varchar(200)",
                "      description: text?",
                "      quantity: integer",
                "      price: numeric(12,2)",
                "      active: { type: boolean, default: true }",
                "      status: { type: status, default: draft }",
                "      payload: jsonb?",
                "      created_at: { type: timestamptz, default_sql: \"now()\" }",
            ]
            if i == 0 and changed:
                out.append("      extra: text?")
            if i > 0:
                out.append(f"      parent_id: {{ references: table_{i - 1}, nullable: true }}")
            else:
                out.append("      parent_id: bigint?")
            out += [
                "    indexes:",
                "      - [name]",
                "      - [status, created_at]",
            ]
        files[f"schema/tables_{start // 100:03}.yaml"] = "\n".join(out) + "\n"
    files["schemac.toml"] = '[database.main]\nschema = "schema"\nmigrations = "migrations"\n'
    return files


def with_views(files, n):
    """One view per ten tables, over a table and the view before it; the
    one-column change reshapes table_0, so the views over it are created
    again (drizzle-kit's schema is left without them)."""
    out = ["views:"]
    for i in range(0, n, 10):
        out.append(f"  active_{i}: SELECT id, name, status, parent_id FROM table_{i} WHERE active")
        if i > 0:
            out.append(f"  recent_{i}:")
            out.append(f"    sql: SELECT a.id, a.name FROM active_{i} a JOIN active_{i - 10} b ON b.id = a.parent_id")
            out.append(f"    comment: \"tables {i - 10} and {i}\"")
    files["schema/views.yaml"] = "\n".join(out) + "\n"
    return files


def with_functions(files, n):
    """The views, and per ten tables a sql function reading the table
    (which its view calls) and a trigger running one shared plpgsql
    function."""
    files = with_views(files, n)
    out = [
        "functions:",
        "  touch:",
        "    returns: trigger",
        "    language: plpgsql",
        "    body: BEGIN RETURN NEW; END",
    ]
    for i in range(0, n, 10):
        out += [
            f"  count_{i}:",
            "    args: [p_status status]",
            "    returns: bigint",
            "    language: sql",
            "    volatility: stable",
            f"    body: SELECT count(*) FROM table_{i} WHERE status = p_status",
        ]
    files["schema/functions.yaml"] = "\n".join(out) + "\n"
    views = files["schema/views.yaml"]
    for i in range(0, n, 10):
        views = views.replace(
            f"SELECT id, name, status, parent_id FROM table_{i} WHERE active",
            f"SELECT id, name, status, parent_id, count_{i}(status) AS same FROM table_{i} WHERE active",
        )
    files["schema/views.yaml"] = views
    for name, text in list(files.items()):
        if not name.startswith("schema/tables_"):
            continue
        for i in range(0, n, 10):
            text = text.replace(
                f"  table_{i}:\n",
                f"  table_{i}:\n    triggers:\n      touch_{i}: {{ before: update, function: touch }}\n",
            )
        files[name] = text
    return files


def drizzle_ts(n, changed):
    """The same schema as a drizzle-kit schema.ts."""
    out = [
        'import { pgTable, pgEnum, bigserial, varchar, text, integer, numeric, boolean, jsonb, timestamp, bigint, index } from "drizzle-orm/pg-core";',
        "import type { AnyPgColumn } from \"drizzle-orm/pg-core\";",
        'export const status = pgEnum("status", ["draft", "active", "archived"]);',
    ]
    for i in range(n):
        parent = (
            f'bigint("parent_id", {{ mode: "number" }}).references((): AnyPgColumn => table_{i - 1}.id)'
            if i > 0
            else 'bigint("parent_id", { mode: "number" })'
        )
        extra = '  extra: text("extra"),\n' if i == 0 and changed else ""
        out.append(
            f'export const table_{i} = pgTable("table_{i}", {{\n'
            '  id: bigserial("id", { mode: "number" }).primaryKey(),\n'
            '  name: varchar("name", { length: 200 }).notNull(),\n'
            '  description: text("description"),\n'
            '  quantity: integer("quantity").notNull(),\n'
            '  price: numeric("price", { precision: 12, scale: 2 }).notNull(),\n'
            '  active: boolean("active").notNull().default(true),\n'
            '  status: status("status").notNull().default("draft"),\n'
            '  payload: jsonb("payload"),\n'
            '  created_at: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),\n'
            f"{extra}"
            f"  parent_id: {parent},\n"
            f"}}, (t) => [index(\"table_{i}_name_idx\").on(t.name), index(\"table_{i}_status_created_at_idx\").on(t.status, t.created_at)]);"
        )
    return {
        "schema.ts": "\n".join(out) + "\n",
        "drizzle.config.ts": 'export default { dialect: "postgresql", schema: "./schema.ts", out: "./drizzle" };\n',
    }


SYNTHETIC = os.path.join(os.path.dirname(ROOT), "shared", "bench", "gen_synthetic.js")


def synthetic(n, changed, fmt):
    """The schema of ../shared/bench/gen_synthetic.js (one enum per table),
    in schemac's YAML or as drizzle-kit's schema.ts."""
    argv = ["node", SYNTHETIC, str(n), "--format", fmt] + (["--modify"] if changed else [])
    text = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
    if fmt == "schemac":
        return {
            "schema/tables.yaml": text,
            "schemac.toml": '[database.main]\nschema = "schema"\nmigrations = "migrations"\n',
        }
    return {
        "schema.ts": text,
        "drizzle.config.ts": 'export default { dialect: "postgresql", schema: "./schema.ts", out: "./drizzle" };\n',
    }


def write(dir, files):
    for path, text in files.items():
        full = os.path.join(dir, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)


def timed(argv, cwd):
    """Seconds and peak resident memory (MB) of one run."""
    # Files written before (the schema, the other tool's output) are flushed
    # first: their writeback otherwise lands on the timed run, at random.
    os.sync()
    # The run before (the other tool's, often: a Node.js process of a few
    # hundred MB) leaves the machine busy for a moment after it exits; the
    # next run would pay for it, so each run starts after a short pause.
    time.sleep(0.3)
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    stderr = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(argv)} failed in {cwd}:\n{stderr}")
    return elapsed, usage.ru_maxrss / 1024


def drizzle_kit(scratch):
    """The drizzle-kit executable, installed into `scratch` once."""
    exe = os.path.join(scratch, "node_modules", ".bin", "drizzle-kit")
    if not os.path.exists(exe):
        subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", "drizzle-kit@0.31", "drizzle-orm"],
            cwd=scratch,
            check=True,
        )
    return exe


class Figures:
    def __init__(self):
        self.samples = {}

    def add(self, key, seconds, mb):
        self.samples.setdefault(key, []).append((seconds, mb))

    def line(self, key):
        s = self.samples.get(key)
        if not s:
            return "—"
        times = [t for t, _ in s]
        return f"{statistics.median(times):.3f} s ({min(times):.3f}–{max(times):.3f}), {max(m for _, m in s):.0f} MB"

    def median(self, key):
        s = self.samples.get(key)
        return statistics.median(t for t, _ in s) if s else None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--schemac", default=os.path.join(ROOT, "target", "release", "schemac"))
    parser.add_argument("--drizzle", action="store_true", help="also run drizzle-kit 0.31")
    parser.add_argument("--keep", help="write the schemas here and keep them")
    parser.add_argument("--baseline", help="another schemac binary (an earlier commit's) to run interleaved with this one")
    parser.add_argument("--synthetic", action="store_true", help="use ../shared/bench/gen_synthetic.js's schema (one enum per table) instead of this script's")
    parser.add_argument("--views", action="store_true", help="add a view per ten tables and one over two of them to this script's schema (schemac only)")
    parser.add_argument("--functions", action="store_true", help="--views, and a function per ten tables that its view calls, and a trigger on each of those tables (schemac only)")
    args = parser.parse_args()
    if (args.views or args.functions) and args.synthetic:
        sys.exit("--views and --functions add to this script's own schema, not to --synthetic's")
    schemac_schema = (lambda n, c: synthetic(n, c, "schemac")) if args.synthetic else schemac_yaml
    if args.views:
        schemac_schema = lambda n, c: with_views(schemac_yaml(n, c), n)
    if args.functions:
        schemac_schema = lambda n, c: with_functions(schemac_yaml(n, c), n)
    drizzle_schema = (lambda n, c: synthetic(n, c, "drizzle")) if args.synthetic else drizzle_ts
    if not os.path.exists(args.schemac):
        sys.exit(f"{args.schemac} is missing: run `cargo build --release -p schemac` first")
    sizes = [int(s) for s in args.sizes.split(",")]
    scratch = args.keep or tempfile.mkdtemp(prefix="schemac-generate-bench-")
    os.makedirs(scratch, exist_ok=True)
    figures = Figures()
    kit = drizzle_kit(scratch) if args.drizzle else None
    try:
        for n in sizes:
            base = os.path.join(scratch, f"n{n}")
            for round in range(args.rounds):
                contenders = ["schemac"] + (["drizzle"] if kit else []) + (["baseline"] if args.baseline else [])
                if round % 2:
                    contenders.reverse()
                for who in contenders:
                    project = os.path.join(base, who)
                    shutil.rmtree(project, ignore_errors=True)
                    if who in ("schemac", "baseline"):
                        write(project, schemac_schema(n, False))
                        argv = [args.schemac if who == "schemac" else args.baseline, "generate"]
                    else:
                        write(project, drizzle_schema(n, False))
                        argv = [kit, "generate"]
                    figures.add((n, who, "scratch"), *timed(argv, project))
                    write(project, drizzle_schema(n, True) if who == "drizzle" else schemac_schema(n, True))
                    figures.add((n, who, "change"), *timed(argv, project))
        print(f"\n## generate, median of {args.rounds} interleaved rounds (min–max), peak memory")
        for n in sizes:
            for kind in ["scratch", "change"]:
                ours = figures.median((n, "schemac", kind))
                theirs = figures.median((n, "drizzle", kind))
                ratio = f"  {theirs / ours:.1f}× faster than drizzle-kit" if theirs else ""
                print(f"  {n:>6} tables, {kind:<8} schemac {figures.line((n, 'schemac', kind))}"
                      f"{'  drizzle-kit ' + figures.line((n, 'drizzle', kind)) if theirs else ''}{ratio}")
                if args.baseline:
                    print(f"  {'':>6}         {'':<8} baseline {figures.line((n, 'baseline', kind))}")
        if len(sizes) > 1 and 1000 in sizes and 10000 in sizes:
            for kind in ["scratch", "change"]:
                ratio = figures.median((10000, "schemac", kind)) / figures.median((1000, "schemac", kind))
                print(f"  time(10,000) / time(1,000), {kind}: {ratio:.1f}")
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
