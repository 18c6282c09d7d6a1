#!/usr/bin/env python
"""Search latency over the seeded community: forums.selectors.search_posts as a signed-in member, page 1 (and some
later pages), for a mix of queries. Prints p50/p95/p99 per kind of query and overall, then one JSON line.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hearth_large .venv/bin/python bench/search_latency.py
    .venv/bin/python bench/search_latency.py --queries 300 --user BenchMember2

Target (docs/performance.md): p50 <= 50 ms over 2,000,000 posts on PostgreSQL. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import seed  # bench/seed.py: configures Django the same way, so the keys match the seeded data
import seedtext
from django.db import connection

from hearth.accounts.models import User
from hearth.forums.models import Post
from hearth.forums.selectors import search_posts

TARGET_P50_MS = 50.0
# Words no seeded post holds: searches that find nothing are common too.
ABSENT = ["kayak", "violin", "spreadsheet", "volcano", "trombone", "glacier", "saxophone", "origami", "karaoke"]


def words_of(phrases: list[str]) -> list[str]:
    return sorted({w for p in phrases for w in p.lower().replace("'", " ").split() if len(w) > 3})


def query_mix(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """(kind, query) pairs: single words, two unrelated words, set phrases, and words found nowhere."""
    singles = words_of(seedtext.THINGS + seedtext.FEELINGS + seedtext.HELPERS + seedtext.EVENTS)
    phrases = [h for h in seedtext.HELPERS if " " in h] + [e for e in seedtext.EVENTS if " " in e]
    mix: list[tuple[str, str]] = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.4:
            mix.append(("one word", rng.choice(singles)))
        elif roll < 0.65:
            mix.append(("two words", f"{rng.choice(singles)} {rng.choice(singles)}"))
        elif roll < 0.85:
            mix.append(("phrase", rng.choice(phrases)))
        else:
            mix.append(
                ("nothing found", rng.choice(ABSENT) + (f" {rng.choice(singles)}" if rng.random() < 0.5 else ""))
            )
    return mix


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=int, default=200, help="timed searches (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed searches first (default 20)")
    parser.add_argument("--user", default=seed.BENCH_USERNAME.format(1), help="who searches (default BenchMember1)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    posts = Post.objects.count()
    print(f"{connection.vendor} database {connection.settings_dict['NAME']}: {posts:,} posts; searching as {args.user}")
    for _kind, query in query_mix(rng, args.warmup):
        search_posts(User.objects.get(username=args.user), query, page=1)

    timings: dict[str, list[float]] = defaultdict(list)
    found: dict[str, list[int]] = defaultdict(list)
    slowest: list[tuple[float, str, str, int, int]] = []
    for kind, query in query_mix(rng, args.queries):
        page = 1 if rng.random() < 0.8 else rng.randint(2, 5)
        user = User.objects.get(username=args.user)  # a fresh reader, as each request loads one
        start = time.perf_counter()
        result = search_posts(user, query, page=page)
        elapsed = (time.perf_counter() - start) * 1000
        timings[kind].append(elapsed)
        timings["all"].append(elapsed)
        found[kind].append(len(result.posts))
        slowest.append((elapsed, kind, query, page, len(result.posts)))

    summary: dict[str, dict[str, float]] = {}
    for kind, values in timings.items():
        summary[kind] = {
            "n": len(values),
            "p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(percentile(values, 95), 1),
            "p99_ms": round(percentile(values, 99), 1),
            "max_ms": round(max(values), 1),
        }
        hits = found.get(kind) or [count for k, v in found.items() for count in v]
        summary[kind]["median_results"] = statistics.median(hits)
        s = summary[kind]
        print(
            f"{kind:>14}: n={s['n']:<4} p50 {s['p50_ms']:7.1f} ms  p95 {s['p95_ms']:7.1f}  p99 {s['p99_ms']:7.1f}  "
            f"max {s['max_ms']:7.1f}  (median results on the page {s['median_results']:g})"
        )
    for elapsed, kind, query, page, count in sorted(slowest, reverse=True)[:5]:
        print(f"  slow: {elapsed:6.1f} ms  {kind:<13} {query!r} page {page} ({count} on the page)")
    p50 = summary["all"]["p50_ms"]
    verdict = "PASS" if p50 <= TARGET_P50_MS else "MISS"
    print(f"p50 {p50} ms against the target {TARGET_P50_MS:g} ms: {verdict}")
    print(json.dumps({"bench": "search", "vendor": connection.vendor, "posts": posts, "p50_ms": p50,
                      "target_p50_ms": TARGET_P50_MS, "pass": verdict == "PASS", "kinds": summary}))  # fmt: skip
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
