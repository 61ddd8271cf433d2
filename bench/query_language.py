"""The Jobfeed query language alone: compile_filters + the job count, per query shape.

Builds a Dutch world of N jobs (about 1.85 postings each) and times, for each shape, the
compilation and `SELECT count(*) FROM jobs j WHERE <job_sql>` (median and worst of R runs; the
first fuzzy or wildcard query of a world also copies the vocabulary once).

    python bench/query_language.py --jobs 50000 --runs 7
"""

from __future__ import annotations

import argparse
import statistics
import time

from jobfakes.query import compile_filters
from jobfakes.world.jobfeed.fields import custom_categories
from jobfakes.world.jobfeed.world import DutchWorld, DutchWorldConfig

SHAPES = {
    "boolean": [("full_text", "(developer OR monteur OR verkoop*) AND ervaring -stage")],
    "boolean+2 filters": [
        ("full_text", "(developer OR monteur OR verkoop*) AND ervaring -stage"),
        ("job:education_level__range", "5__15"),
        ("location__radius", "Utrecht__60"),
    ],
    "phrase~3": [("full_text", '"ervaring klantcontact"~3')],
    "fuzzy": [("full_text", "ervarnig~ developr~")],
    "leading wildcard": [("full_text", "*werker")],
    "NOT only": [("full_text", "NOT ervaring")],
    "posting code|code": [("profession", "696|697"), ("date__range", "now-1y__now")],
    "custom + prefix none": [("profession__custom", "1"), ("source_website__prefix__none", "werk")],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    start = time.perf_counter()
    world = DutchWorld(DutchWorldConfig(jobs=args.jobs))
    jobs, postings = world.counts()
    print(f"world: {jobs} jobs, {postings} postings, built in {time.perf_counter() - start:.1f} s")
    conn, today, custom = world.store.conn, world.config.today, custom_categories()
    for name, params in SHAPES.items():
        times, found = [], 0
        for _ in range(args.runs):
            began = time.perf_counter()
            filters = compile_filters(params, conn, today, custom)
            sql = f"SELECT count(*) FROM jobs j WHERE {filters.job_sql}"
            found = conn.execute(sql, filters.job_args).fetchone()[0]
            times.append((time.perf_counter() - began) * 1000)
        print(
            f"{name:22} {found:7} jobs  median {statistics.median(times):7.1f} ms"
            f"  worst {max(times):7.1f} ms"
        )


if __name__ == "__main__":
    main()
