"""Calibrate and evaluate the toxicity analyzer (hearth/safety/analyzers/toxicity.py).

    .venv/bin/python tools/train_toxicity.py                 # CV report + write calibration.json
    .venv/bin/python tools/train_toxicity.py --no-write      # report only
    .venv/bin/python tools/train_toxicity.py --bench         # latency on synthetic ~1,000-char posts

Also reported: the lexicon rules on their own, and how often the analyzer fires on ordinary forum
posts (reddit_mh27 and crisis_rallypoint, which carry no toxicity labels) as a false-alarm check.

What is fitted: only the decision threshold, chosen by stratified k-fold cross-validation on the
Davidson set (MIT; toxic = hate_speech or offensive_language). ETHOS (GPL-3.0) is read for
evaluation only: nothing fitted on it ships. The product never reads the datasets.

The threshold maximises *prevalence-balanced* F1: each Davidson row is weighted so that toxic and
non-toxic rows carry equal total weight. Davidson is 83% toxic (it was collected by searching for
abusive words), and an F1-optimal threshold at that prevalence is pulled low, towards flagging
anything slightly rude. Posts on Hearth are overwhelmingly not toxic, so the threshold is chosen as if
the classes were balanced. Plain (unweighted) F1 is still reported.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hearth.safety.analyzers import toxicity  # noqa: E402

POSITIVE = {"hate_speech", "offensive_language", "hate"}
GROUP_REASON = "hostile statement about a group of people"
# Forum posts with no toxicity labels (Apache-2.0 / CC BY 4.0), read to count false alarms only.
FORUM_SETS = ("reddit_mh27", "crisis_rallypoint")
NEGATIVE = {"neither", "not_hate"}
GRID = np.round(np.arange(0.05, 0.96, 0.01), 2)
BaseArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass
class Scored:
    labels: BoolArray
    model: BaseArray  # profanity-model score, max over windows
    rule: BoolArray  # a lexicon rule fired (toxic whatever the threshold)
    group: BoolArray  # the rule for hostile statements about a group fired
    plain: BaseArray  # profanity_check.predict_prob on the whole text, for the baseline


def load(path: Path) -> tuple[list[str], BoolArray]:
    texts, labels = [], []
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["label"] not in POSITIVE | NEGATIVE:
                raise SystemExit(f"unexpected label in {path}")
            texts.append(row["text"])
            labels.append(row["label"] in POSITIVE)
    return texts, np.array(labels)


def score(texts: Sequence[str], labels: BoolArray) -> Scored:
    from profanity_check import predict_prob  # type: ignore[import-untyped]  # noqa: PLC0415

    evidence = [toxicity.gather_evidence(t) for t in texts]
    return Scored(
        labels=labels,
        model=np.array([e.model_score for e in evidence]),
        rule=np.array([e.rule_strength > 0 for e in evidence]),
        group=np.array([GROUP_REASON in e.rule_reasons for e in evidence]),
        plain=np.asarray(predict_prob(list(texts)), dtype=np.float64),
    )


def prf(labels: BoolArray, predicted: BoolArray, weights: BaseArray | None = None) -> tuple[float, float, float]:
    w = np.ones(len(labels)) if weights is None else weights
    tp = float(w[predicted & labels].sum())
    fp = float(w[predicted & ~labels].sum())
    fn = float(w[~predicted & labels].sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return precision, recall, f1


def balanced_weights(labels: BoolArray) -> BaseArray:
    """Weights that give toxic and non-toxic rows equal total weight (see the module docstring)."""
    positive = float(labels.mean())
    return np.where(labels, 0.5 / positive, 0.5 / (1.0 - positive))


def predict(s: Scored, idx: npt.NDArray[np.intp], cut: float) -> BoolArray:
    return np.asarray((s.model[idx] >= cut) | s.rule[idx])


def best_threshold(s: Scored, idx: npt.NDArray[np.intp]) -> float:
    weights = balanced_weights(s.labels[idx])
    f1s = [prf(s.labels[idx], predict(s, idx, float(c)), weights)[2] for c in GRID]
    return float(GRID[int(np.argmax(f1s))])


def stratified_folds(labels: BoolArray, k: int, seed: int) -> list[npt.NDArray[np.intp]]:
    rng = np.random.default_rng(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    for value in (True, False):
        members = np.flatnonzero(labels == value)
        rng.shuffle(members)
        for i, m in enumerate(members):
            folds[i % k].append(int(m))
    return [np.array(sorted(f), dtype=np.intp) for f in folds]


def mean_sd(values: Sequence[float]) -> str:
    return f"{statistics.mean(values):.3f} ± {statistics.stdev(values):.3f}"


def cross_validate(s: Scored, k: int, repeats: int) -> dict[str, object]:
    """Choose the threshold on k-1 folds, measure on the held-out fold."""
    f1s, ps, rs, cuts, balanced = [], [], [], [], []
    everything = np.arange(len(s.labels), dtype=np.intp)
    for seed in range(repeats):
        for test in stratified_folds(s.labels, k, seed):
            train = np.setdiff1d(everything, test)
            cut = best_threshold(s, train)
            predicted = predict(s, test, cut)
            p, r, f = prf(s.labels[test], predicted)
            f1s.append(f)
            ps.append(p)
            rs.append(r)
            cuts.append(cut)
            balanced.append(prf(s.labels[test], predicted, balanced_weights(s.labels[test]))[2])
    return {
        "folds": f"{k} folds x {repeats} repeats",
        "f1": mean_sd(f1s),
        "precision": mean_sd(ps),
        "recall": mean_sd(rs),
        "balanced_f1": mean_sd(balanced),
        "threshold": mean_sd(cuts),
    }


def evaluate_fixed(s: Scored, cut: float, k: int) -> dict[str, object]:
    """A fixed model on the whole set and, for its sampling spread, on k stratified folds."""
    everything = np.arange(len(s.labels), dtype=np.intp)
    p, r, f = prf(s.labels, predict(s, everything, cut))
    folds = [prf(s.labels[idx], predict(s, idx, cut))[2] for idx in stratified_folds(s.labels, k, 0)]
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "fold_f1": mean_sd(folds)}


def baseline(s: Scored) -> dict[str, str]:
    out = {}
    for cut in (0.3, 0.4, 0.5, 0.7):
        p, r, f = prf(s.labels, s.plain >= cut)
        out[str(cut)] = f"P {p:.3f} R {r:.3f} F1 {f:.3f}"
    return out


def rules_report(davidson: Scored, davidson_labels: list[str], ethos: Scored) -> dict[str, object]:
    """What the lexicon rules do without the profanity model: on ETHOS, and how often the group rule
    fires on each Davidson class (an independent check of the group rules: nothing was written from
    Davidson texts)."""
    p, r, f = prf(ethos.labels, ethos.rule)
    classes = np.array(davidson_labels)
    by_class = {}
    for label in ("hate_speech", "offensive_language", "neither"):
        members = classes == label
        fired = int(davidson.group[members].sum())
        by_class[label] = f"{fired} of {int(members.sum())} ({fired / int(members.sum()):.2%})"
    return {
        "ethos_rules_alone": f"fire on {int(ethos.rule.sum())} rows: P {p:.3f} R {r:.3f} F1 {f:.3f}",
        "davidson_group_rule_by_class": by_class,
    }


def forum_false_alarms(datasets: Path) -> dict[str, str]:
    """Share of ordinary forum posts that the analyzer calls toxic, harassment, or group hate."""
    out = {}
    for name in FORUM_SETS:
        with (datasets / name / "dev.csv").open(newline="", encoding="utf-8") as f:
            texts = [row["text"] for row in csv.DictReader(f)]
        results = [toxicity.assess_toxicity(t) for t in texts]
        n = len(results)
        toxic = sum(a.is_toxic for a in results) / n
        harassment = sum(a.harassment for a in results) / n
        group = sum(GROUP_REASON in a.reasons for a in results) / n
        out[name] = f"n {n}: toxic {toxic:.2%}, harassment {harassment:.2%}, group rule {group:.2%}"
    return out


def bench(n: int) -> None:
    # Synthetic posts made of fixed, hand-written sentences; no dataset text.
    sentences = [
        "I have been struggling a lot this week and I do not really know who to talk to about it.",
        "Thank you all for the kind replies yesterday, it honestly helped more than I expected.",
        "My therapist suggested writing things down before bed, so I am trying that now.",
        "Some days are better than others, and today was one of the harder ones.",
        "You are a worthless idiot and everyone here is sick of you.",
        "I feel like shit and this whole month has been a mess.",
        "Does anyone have tips for sleeping when your mind will not switch off?",
    ]
    rng = np.random.default_rng(0)
    texts = []
    for _ in range(n):
        words: list[str] = []
        while sum(len(w) + 1 for w in words) < 1000:
            words.append(sentences[int(rng.integers(len(sentences)))])
        texts.append(" ".join(words)[:1000])
    toxicity.assess_toxicity("warm up")
    times = []
    for t in texts:
        start = time.perf_counter()
        toxicity.assess_toxicity(t)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p50 = times[len(times) // 2]
    p99 = times[int(len(times) * 0.99) - 1]
    print(f"assess_toxicity on {n} synthetic 1,000-char posts: p50 {p50:.2f} ms, p99 {p99:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--bench", type=int, nargs="?", const=2000, default=0, metavar="N")
    args = parser.parse_args()
    if args.bench:
        bench(args.bench)
        return

    davidson = score(*load(args.datasets / "toxicity_davidson" / "dev.csv"))
    with (args.datasets / "toxicity_davidson" / "dev.csv").open(newline="", encoding="utf-8") as f:
        davidson_labels = [row["label"] for row in csv.DictReader(f)]
    ethos = score(*load(args.datasets / "hate_ethos" / "dev.csv"))
    everything = np.arange(len(davidson.labels), dtype=np.intp)
    cut = best_threshold(davidson, everything)
    report = {
        "baseline_plain_profanity_check": {"davidson_dev": baseline(davidson), "ethos_dev": baseline(ethos)},
        "davidson_cv": cross_validate(davidson, args.folds, args.repeats),
        "threshold": cut,
        "davidson_dev": evaluate_fixed(davidson, cut, args.folds),
        "ethos_dev_evaluation_only": evaluate_fixed(ethos, cut, args.folds),
        "rule_fired": {
            "davidson": f"{int(davidson.rule.sum())} of {len(davidson.rule)}",
            "ethos": f"{int(ethos.rule.sum())} of {len(ethos.rule)}",
        },
        "rules": rules_report(davidson, davidson_labels, ethos),
        "forum_posts_false_alarms": forum_false_alarms(args.datasets),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if not args.no_write:
        calibration = {
            "threshold": cut,
            "fitted_on": "toxicity_davidson dev.csv (MIT), toxic = hate_speech or offensive_language",
            "method": (
                "threshold over 0.05..0.95 maximising prevalence-balanced F1 (toxic and non-toxic rows weighted"
                " to equal totals) for: profanity score >= t or a lexicon rule fired"
            ),
            "cross_validation": report["davidson_cv"],
        }
        path = toxicity.MODEL_DIR / "calibration.json"
        path.write_text(json.dumps(calibration, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
