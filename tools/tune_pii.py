"""Evaluate the personal-details analyzer on the Presidio synthetic PII set (dev split) and time it.

Usage: .venv/bin/python tools/tune_pii.py [--dataset ../shared/datasets/pii_presidio_synth/dev.csv]
       [--min-score 0.0] [--errors TYPE] [--fp-corpus ../shared/datasets/reddit_mh27/dev.csv]

Scoring (the same as `manage.py evaluate_safety --task pii`): a gold entity is found when a predicted span of a
compatible kind (DATASET_TYPE_MAP) overlaps it; a prediction is correct when it overlaps a gold entity whose type
is compatible with its kind. Prints per-type recall, per-kind precision, and latency on ~1,000-character texts.
--errors prints missed and spurious spans of one type for local inspection: never paste them anywhere.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hearth.safety.analyzers.personal_details import DATASET_TYPE_MAP, find_personal_details  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "datasets" / "pii_presidio_synth" / "dev.csv"


def evaluate(rows: list[dict[str, str]], min_score: float, errors: str | None) -> None:
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    for row in rows:
        text = row["text"]
        gold = json.loads(row["spans"])
        preds = [d for d in find_personal_details(text).details if d.score >= min_score]
        for span in gold:
            kinds = DATASET_TYPE_MAP.get(span["type"], frozenset())
            total[span["type"]] += 1
            hit = any(p.kind in kinds and p.start < span["end"] and span["start"] < p.end for p in preds)
            found[span["type"]] += hit
            if errors == span["type"] and not hit:
                print("MISS", repr(text[span["start"] : span["end"]]), "|", repr(text[:160]))
        for pred in preds:
            predicted[pred.kind] += 1
            ok = any(
                pred.kind in DATASET_TYPE_MAP.get(s["type"], frozenset())
                and pred.start < s["end"]
                and s["start"] < pred.end
                for s in gold
            )
            correct[pred.kind] += ok
            if errors == pred.kind and not ok:
                print("FP  ", repr(text[pred.start : pred.end]), pred.score, "|", repr(text[:160]))
    print(f"recall (min score {min_score}):")
    for kind, n in total.most_common():
        print(f"  {kind:18} {found[kind]:4}/{n:<4} {found[kind] / n:.3f}")
    print("precision:")
    for kind, n in predicted.most_common():
        print(f"  {kind:18} {correct[kind]:4}/{n:<4} {correct[kind] / n:.3f}")


def fp_rate(path: Path, min_score: float) -> None:
    """Findings per 100 ordinary posts (cut to 1,000 characters): most are false alarms."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    kinds: Counter[str] = Counter()
    posts_flagged = 0
    for row in rows:
        details = [d for d in find_personal_details(row["text"][:1000]).details if d.score >= min_score]
        kinds.update(d.kind for d in details)
        posts_flagged += bool(details)
    print(
        f"{path.parent.name}: {len(rows)} posts, {posts_flagged / len(rows):.1%} with a finding (score >= {min_score})"
    )
    for kind, n in kinds.most_common():
        print(f"  {kind:18} {100 * n / len(rows):.1f} per 100 posts")


def latency(rows: list[dict[str, str]], extra: list[str]) -> None:
    texts = []
    pool = [r["text"] for r in rows] + extra
    joined = " ".join(pool)
    for i in range(300):
        start = (i * 997) % max(1, len(joined) - 1000)
        texts.append(joined[start : start + 1000])
    for text in texts[:20]:
        find_personal_details(text)
    times = []
    for text in texts:
        t0 = time.perf_counter()
        find_personal_details(text)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(
        f"latency on {len(texts)} texts of 1,000 chars: median {statistics.median(times):.2f} ms, "
        f"p99 {times[int(len(times) * 0.99) - 1]:.2f} ms, max {times[-1]:.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, default=DEFAULT)
    parser.add_argument("--min-score", type=float, default=0.0)
    parser.add_argument("--errors", default=None)
    parser.add_argument("--fp-corpus", type=Path, default=None)
    args = parser.parse_args()
    with args.dataset.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    evaluate(rows, args.min_score, args.errors)
    extra: list[str] = []
    if args.fp_corpus:
        fp_rate(args.fp_corpus, args.min_score)
        with args.fp_corpus.open(encoding="utf-8", newline="") as handle:
            extra = [r["text"] for r in csv.DictReader(handle)]
    latency(rows, extra)


if __name__ == "__main__":
    main()
