"""Train, cross-validate and evaluate the crisis analyzer's model (hearth/safety/analyzers/crisis.py).

    .venv/bin/python tools/train_crisis.py              # CV report, then train on all dev data and write weights
    .venv/bin/python tools/train_crisis.py --evaluate   # only evaluate the shipped analyzer on the dev files
    .venv/bin/python tools/train_crisis.py --no-write   # CV report only, then evaluate the shipped analyzer

Reads ../shared/datasets (never needed at run time). Prints aggregate figures only, never dataset text.
Writes hearth/safety/analyzers/crisis_model/{lexicon.json,model.json}.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction import DictVectorizer  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfTransformer  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.model_selection import StratifiedKFold  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hearth.safety.analyzers import crisis  # noqa: E402 - needs the repository root on sys.path
from hearth.safety.analyzers.base import RiskLevel  # noqa: E402
from hearth.safety.analyzers.crisis import (  # noqa: E402
    assess_crisis,
    extract_all,
    extract_features,  # noqa: F401 - tools/experiment_crisis_embeddings.py
    meta_features,
)

DATASETS = ROOT.parent / "shared" / "datasets"
MODEL_DIR = ROOT / "hearth" / "safety" / "analyzers" / "crisis_model"
LEXICON_CSV = DATASETS / "suicide_risk_lexicon" / "suicide_risk_lexicon_validated_24-08-02T21-27-35.csv"

SEED = 20_251_125
FOLDS = 5
C_TEXT = 0.1  # whole-text model
C_SENTENCE = 0.1  # sentence model
C_CHAR = 1.0  # character n-gram model
C_STACK = 1.0  # stacker over the three models
CHAR_MIN_DF = 5  # character n-grams kept when in at least this many training texts
INNER = 4  # inner folds: out-of-fold model scores to train the stacker on, and the threshold
MIL_ROUNDS = 2  # rounds of re-picking each positive text's most likely sentence
MIN_DF = 3  # in the training fold, for sparse features
MH_WEIGHT = 0.5  # r/mental-health posts are noisy negatives: some are at risk
CONTROL_WEIGHT = 3.0  # ordinary posts (control subreddits) weigh more, to keep the control rate down
TARGET_RECALL = 0.90  # the target; the control-rate cap below wins when they conflict
MAX_CONTROL_RATE = 0.015  # below the 2% target, for the same reason
SPARSE = ("w:", "lx:", "lxf:", "lxa:")

Features = tuple[dict[str, float], tuple[dict[str, float], ...]]


def read_csv(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(10_000_000)
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write_lexicon() -> None:
    with LEXICON_CSV.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    constructs: dict[str, list[str]] = {}
    for column, name in enumerate(header):
        if column == 0 or not name or name.endswith(("_include", "_add")):
            continue
        # Rows 0-3 are prompt name, definition, reference and examples; the validated terms follow.
        terms = sorted({row[column].strip().lower() for row in rows[5:] if column < len(row) and row[column].strip()})
        constructs[name] = terms
    MODEL_DIR.mkdir(exist_ok=True)
    payload = {
        "source": "Suicide Risk Lexicon v1.0 (Low, Rankin, Bentley, Nock, Ghosh), construct-tracker 1.0.16, Apache-2.0",
        "constructs": constructs,
    }
    (MODEL_DIR / "lexicon.json").write_text(json.dumps(payload, ensure_ascii=False, indent=0, sort_keys=True) + "\n")


class Row:
    __slots__ = ("dataset", "group", "label", "text")

    def __init__(self, dataset: str, text: str, label: int, group: str) -> None:
        self.dataset, self.text, self.label, self.group = dataset, text, label, group


def load_rows() -> list[Row]:
    rows = [
        Row("rallypoint", r["text"], int(r["label"] == "stb"), r["label"])
        for r in read_csv(DATASETS / "crisis_rallypoint" / "dev.csv")
    ]
    rows += [
        Row("reddit", r["text"], int(r["group"] == "crisis"), r["group"])
        for r in read_csv(DATASETS / "reddit_mh27" / "dev.csv")
    ]
    return rows


def sample_weight(row: Row) -> float:
    if row.group == "mental_health":
        return MH_WEIGHT
    if row.group == "control":
        return CONTROL_WEIGHT
    return 1.0


def vectorise(
    train: Sequence[dict[str, float]], tests: Sequence[Sequence[dict[str, float]]]
) -> tuple[DictVectorizer, Any, list[Any]]:
    """Sparse features (n-grams, lexicon terms by framing) kept when seen in at least MIN_DF training items."""
    df: dict[str, int] = {}
    for features in train:
        for name in features:
            if name.startswith(SPARSE):
                df[name] = df.get(name, 0) + 1
    keep = {name for name, count in df.items() if count >= MIN_DF}

    def prune(features: dict[str, float]) -> dict[str, float]:
        return {k: v for k, v in features.items() if not k.startswith(SPARSE) or k in keep}

    vectoriser = DictVectorizer()
    x_train = vectoriser.fit_transform([prune(f) for f in train])
    return vectoriser, x_train, [vectoriser.transform([prune(f) for f in test]) for test in tests]


def balanced(y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Sample weights with both classes summing to the same total."""
    pos = w[y == 1].sum()
    return w * np.where(y == 1, w[y == 0].sum() / pos if pos else 1.0, 1.0)


class Models:
    """The whole-text, sentence and character n-gram models and the stacker that combines them, fitted on one set
    of rows. The stacker is trained on out-of-fold scores of the three models (inner folds), so it learns how far
    to trust each one on texts they were not trained on."""

    def __init__(  # noqa: PLR0917 - the rows' parts, their strata and the fold seed
        self,
        features: Sequence[Features],
        grams: Sequence[dict[str, int]],
        y: np.ndarray,
        w: np.ndarray,
        strata: np.ndarray,
        seed: int,
    ) -> None:
        oof = np.zeros((len(y), 3))
        for a, b in StratifiedKFold(n_splits=INNER, shuffle=True, random_state=seed).split(np.zeros(len(y)), strata):
            base = BaseModels([features[i] for i in a], [grams[i] for i in a], y[a], w[a])
            oof[b] = base.predict([features[i] for i in b], [grams[i] for i in b])
        self.oof_meta = meta_matrix(features, oof)
        self.stack_vec = DictVectorizer()
        x = self.stack_vec.fit_transform(self.oof_meta)
        self.stacker = LogisticRegression(C=C_STACK, max_iter=3000, solver="lbfgs")
        self.stacker.fit(x, y, sample_weight=balanced(y, w))
        # Stacker scores on the same rows, each from a stacker fitted without it: the threshold is chosen on these.
        self.oof_probs = np.zeros(len(y))
        for a, b in StratifiedKFold(n_splits=INNER, shuffle=True, random_state=seed + 1).split(
            np.zeros(len(y)), strata
        ):
            model = LogisticRegression(C=C_STACK, max_iter=3000, solver="lbfgs")
            model.fit(x[a], y[a], sample_weight=balanced(y[a], w[a]))
            self.oof_probs[b] = model.predict_proba(x[b])[:, 1]
        self.base = BaseModels(features, grams, y, w)

    def predict(self, features: Sequence[Features], grams: Sequence[dict[str, int]]) -> np.ndarray:
        scores = self.base.predict(features, grams)
        probs: np.ndarray = self.stacker.predict_proba(self.stack_vec.transform(meta_matrix(features, scores)))[:, 1]
        return probs


def meta_matrix(features: Sequence[Features], scores: np.ndarray) -> list[dict[str, float]]:
    return [
        meta_features(f[0], len(f[1]), float(t), float(s), float(c))
        for f, (t, s, c) in zip(features, scores, strict=True)
    ]


class BaseModels:
    """The three first-level models."""

    def __init__(
        self, features: Sequence[Features], grams: Sequence[dict[str, int]], y: np.ndarray, w: np.ndarray
    ) -> None:
        self.text_vec, x, _ = vectorise([f[0] for f in features], [])
        self.text = LogisticRegression(C=C_TEXT, max_iter=3000, solver="lbfgs")
        self.text.fit(x, y, sample_weight=balanced(y, w))
        self.sentence_vec, self.sentence = fit_sentences(features, y, w)
        self.char_vec, self.char_tfidf, self.char = fit_char(grams, y, w)

    def predict(self, features: Sequence[Features], grams: Sequence[dict[str, int]]) -> np.ndarray:
        """Columns: text model, best sentence, character model."""
        text = self.text.predict_proba(self.text_vec.transform([f[0] for f in features]))[:, 1]
        sentence = sentence_max(self.sentence_vec, self.sentence, features)
        char = self.char.predict_proba(self.char_tfidf.transform(self.char_vec.transform(grams)))[:, 1]
        return np.column_stack([text, sentence, char])


def fit_char(
    grams: Sequence[dict[str, int]], y: np.ndarray, w: np.ndarray
) -> tuple[DictVectorizer, TfidfTransformer, LogisticRegression]:
    """TF-IDF (sublinear tf, smooth idf, L2) over character n-grams seen in at least CHAR_MIN_DF training texts."""
    df: dict[str, int] = {}
    for counts in grams:
        for gram in counts:
            df[gram] = df.get(gram, 0) + 1
    vectoriser = DictVectorizer()
    vectoriser.fit([{g: 1 for g, n in df.items() if n >= CHAR_MIN_DF}])
    counts_matrix = vectoriser.transform(grams)
    tfidf = TfidfTransformer(sublinear_tf=True)
    x = tfidf.fit_transform(counts_matrix)
    model = LogisticRegression(C=C_CHAR, max_iter=3000, solver="lbfgs")
    model.fit(x, y, sample_weight=balanced(y, w))
    return vectoriser, tfidf, model


def fit_sentences(
    features: Sequence[Features], y: np.ndarray, w: np.ndarray
) -> tuple[DictVectorizer, LogisticRegression]:
    """Multiple-instance training: a positive text needs only one risky sentence. Start with every sentence of a
    positive text as a (down-weighted) positive, then for MIL_ROUNDS rounds keep only each positive text's
    highest-scoring sentence as its positive. Every sentence of a negative text is a negative."""
    sentences: list[dict[str, float]] = []
    sy: list[int] = []
    sw: list[float] = []
    owner: list[int] = []
    for i, (_, text_sentences) in enumerate(features):
        n = len(text_sentences)
        for sentence in text_sentences:
            sentences.append(sentence)
            sy.append(int(y[i]))
            sw.append(w[i] / n if y[i] == 1 else w[i] / max(1.0, n**0.5))
            owner.append(i)
    labels, weights, owners = np.array(sy), np.array(sw), np.array(owner)
    vectoriser, x, _ = vectorise(sentences, [])
    model = LogisticRegression(C=C_SENTENCE, max_iter=3000, solver="lbfgs")
    model.fit(x, labels, sample_weight=balanced(labels, weights))
    for _ in range(MIL_ROUNDS):
        probs = model.predict_proba(x)[:, 1]
        best: dict[int, int] = {}
        for index in np.flatnonzero(labels == 1):
            k, o = int(index), int(owners[index])
            if o not in best or probs[k] > probs[best[o]]:
                best[o] = k
        round_weights = np.where(labels == 1, 0.0, weights)
        for o, k in best.items():
            round_weights[k] = w[o]
        model = LogisticRegression(C=C_SENTENCE, max_iter=3000, solver="lbfgs")
        model.fit(x, labels, sample_weight=balanced(labels, round_weights))
    return vectoriser, model


def sentence_max(vectoriser: DictVectorizer, model: LogisticRegression, features: Sequence[Features]) -> np.ndarray:
    flat = [s for f in features for s in f[1]]
    probs = model.predict_proba(vectoriser.transform(flat))[:, 1]
    out = np.zeros(len(features))
    position = 0
    for j, f in enumerate(features):
        out[j] = probs[position : position + len(f[1])].max()
        position += len(f[1])
    return out


def rules_fire(features: Features) -> bool:
    return any(name.startswith("signal:") for name in features[0])


def choose_threshold(probs: np.ndarray, rows: Sequence[Row], fired: np.ndarray) -> float:
    """Highest threshold that keeps rallypoint recall at TARGET_RECALL, unless that breaks the control rate."""
    rally = np.array([r.dataset == "rallypoint" for r in rows])
    positive = np.array([r.label == 1 for r in rows])
    control = np.array([r.group == "control" for r in rows])
    best = 0.99
    for threshold in np.arange(0.99, 0.01, -0.005):
        flagged = fired | (probs >= threshold)
        recall = flagged[rally & positive].mean()
        control_rate = flagged[control].mean()
        if control_rate > MAX_CONTROL_RATE:
            break
        best = float(threshold)
        if recall >= TARGET_RECALL:
            break
    return best


def metrics(flagged: np.ndarray, rows: Sequence[Row]) -> dict[str, float]:
    rally = np.array([r.dataset == "rallypoint" for r in rows])
    positive = np.array([r.label == 1 for r in rows])
    group = np.array([r.group for r in rows])
    tp = (flagged & rally & positive).sum()
    fp = (flagged & rally & ~positive).sum()
    return {
        "rp_recall": float(tp / max((rally & positive).sum(), 1)),
        "rp_precision": float(tp / max(tp + fp, 1)),
        "mh27_control_rate": float(flagged[group == "control"].mean()),
        "mh27_crisis_recall": float(flagged[group == "crisis"].mean()),
        "mh27_mental_health_rate": float(flagged[group == "mental_health"].mean()),
    }


def cross_validate(rows: list[Row], features: list[Features], grams: list[dict[str, int]]) -> dict[str, list[float]]:
    strata = np.array([f"{r.dataset}:{r.group}" for r in rows])
    y = np.array([r.label for r in rows])
    w = np.array([sample_weight(r) for r in rows])
    fired = np.array([rules_fire(f) for f in features])
    outer = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    results: dict[str, list[float]] = {}
    for fold, (train_idx, test_idx) in enumerate(outer.split(np.zeros(len(rows)), strata)):
        # Everything, the threshold included, from the training part only (inner folds inside Models).
        models = Models(
            [features[i] for i in train_idx],
            [grams[i] for i in train_idx],
            y[train_idx],
            w[train_idx],
            strata[train_idx],
            SEED + fold,
        )
        threshold = choose_threshold(models.oof_probs, [rows[i] for i in train_idx], fired[train_idx])
        probs = models.predict([features[i] for i in test_idx], [grams[i] for i in test_idx])
        test_rows = [rows[i] for i in test_idx]
        flagged = fired[test_idx] | (probs >= threshold)
        m = metrics(flagged, test_rows)
        m["threshold"] = threshold
        m["rules_only_rp_recall"] = metrics(fired[test_idx], test_rows)["rp_recall"]
        # The same fold's curve point at 0.90 recall (not an operating point: it is read off the test fold).
        at = curve_point(probs, fired[test_idx], test_rows)
        m["rp_precision_at_recall_0.90"] = at["rp_precision"]
        m["mh27_control_rate_at_recall_0.90"] = at["mh27_control_rate"]
        for key, value in m.items():
            results.setdefault(key, []).append(value)
        print(f"  fold {fold + 1}: " + ", ".join(f"{k}={v:.3f}" for k, v in m.items()), flush=True)
    return results


def curve_point(probs: np.ndarray, fired: np.ndarray, rows: Sequence[Row], recall: float = 0.90) -> dict[str, float]:
    """Metrics at the highest threshold that reaches `recall` on these rows."""
    m = metrics(fired, rows)
    for threshold in np.arange(0.99, 0.0, -0.005):
        m = metrics(fired | (probs >= threshold), rows)
        if m["rp_recall"] >= recall:
            return m
    return m


def precision_at_recall(probs: np.ndarray, fired: np.ndarray, rows: Sequence[Row], recall: float = 0.90) -> float:
    for threshold in np.arange(0.99, 0.0, -0.005):
        m = metrics(fired | (probs >= threshold), rows)
        if m["rp_recall"] >= recall:
            return m["rp_precision"]
    return 0.0


def weights_of(vectoriser: DictVectorizer, model: LogisticRegression) -> dict[str, Any]:
    names = vectoriser.get_feature_names_out()
    weights = {str(n): round(float(c), 4) for n, c in zip(names, model.coef_[0], strict=True) if abs(c) >= 1e-3}
    return {"bias": round(float(model.intercept_[0]), 5), "weights": dict(sorted(weights.items()))}


def char_weights(base: BaseModels) -> dict[str, Any]:
    names = base.char_vec.get_feature_names_out()
    grams = {
        str(n): [round(float(i), 4), round(float(c), 4)]
        for n, i, c in zip(names, base.char_tfidf.idf_, base.char.coef_[0], strict=True)
    }
    return {"bias": round(float(base.char.intercept_[0]), 5), "grams": dict(sorted(grams.items()))}


def train_final(
    rows: list[Row], features: list[Features], grams: list[dict[str, int]], cv: dict[str, list[float]]
) -> None:
    strata = np.array([f"{r.dataset}:{r.group}" for r in rows])
    y = np.array([r.label for r in rows])
    w = np.array([sample_weight(r) for r in rows])
    fired = np.array([rules_fire(f) for f in features])
    models = Models(features, grams, y, w, strata, SEED)
    # Threshold from out-of-fold stacker scores over all dev data, chosen by the same rule as in CV.
    threshold = choose_threshold(models.oof_probs, rows, fired)
    base = models.base
    text, sentence = weights_of(base.text_vec, base.text), weights_of(base.sentence_vec, base.sentence)
    char, stacker = char_weights(base), weights_of(models.stack_vec, models.stacker)
    payload = {
        "format": "hearth-crisis-lr/4",
        "trained": dt.datetime.now(tz=dt.UTC).date().isoformat(),
        "command": "python tools/train_crisis.py",
        "data": ["crisis_rallypoint/dev.csv (Apache-2.0)", "reddit_mh27/dev.csv (CC BY 4.0)"],
        "combine": "probability = stacker(log-odds of text, best sentence and character models, structural cues)",
        "hyperparameters": {
            "C_text": C_TEXT,
            "C_sentence": C_SENTENCE,
            "C_char": C_CHAR,
            "C_stack": C_STACK,
            "mil_rounds": MIL_ROUNDS,
            "min_df": MIN_DF,
            "char_min_df": CHAR_MIN_DF,
            "inner_folds": INNER,
            "mental_health_weight": MH_WEIGHT,
            "control_weight": CONTROL_WEIGHT,
            "class_weight": "balanced",
            "target_recall": TARGET_RECALL,
            "max_control_rate": MAX_CONTROL_RATE,
        },
        "cv": {k: [round(statistics.mean(v), 4), round(statistics.pstdev(v), 4)] for k, v in cv.items()},
        "threshold": round(threshold, 3),
        "text": text,
        "sentence": sentence,
        "char": char,
        "stacker": stacker,
    }
    (MODEL_DIR / "model.json").write_text(json.dumps(payload, ensure_ascii=False, indent=0) + "\n")
    n_weights = len(text["weights"]) + len(sentence["weights"]) + len(char["grams"])
    print(f"wrote model.json: {n_weights} weights, threshold {threshold:.3f}")
    print("stacker weights: " + ", ".join(f"{k}={v}" for k, v in stacker["weights"].items()))


def evaluate_shipped() -> None:
    """Run assess_crisis itself on the dev files: in-sample for the model, so report these as dev figures."""
    crisis._model = None  # pick up the weights this run may just have written

    rows = load_rows()
    levels = [assess_crisis(r.text).level for r in rows]
    flagged = np.array([level >= RiskLevel.LOW for level in levels])
    print("full dev, shipped analyzer (model trained on these rows):")
    for k, v in metrics(flagged, rows).items():
        print(f"  {k}: {v:.3f}")
    for dataset, group in (("rallypoint", "stb"), ("rallypoint", "none"), ("reddit", "crisis"), ("reddit", "control")):
        subset = [lv for lv, r in zip(levels, rows, strict=True) if r.dataset == dataset and r.group == group]
        dist = {lv.label: sum(1 for x in subset if x == lv) for lv in RiskLevel}
        print(f"  levels {dataset}/{group}: {dist}")
    cssrs = read_csv(DATASETS / "suicide_risk_cssrs" / "dev.csv")
    by_label: dict[str, list[int]] = {}
    for r in cssrs:
        by_label.setdefault(r["label"], []).append(int(assess_crisis(r["text"]).level))
    print("  suicide_risk_cssrs (user level, evaluation only): share >= LOW / >= HIGH")
    for label, values in by_label.items():
        low = sum(v >= 1 for v in values) / len(values)
        high = sum(v >= 3 for v in values) / len(values)
        print(f"    {label}: {low:.2f} / {high:.2f} (n={len(values)})")


def latency() -> None:
    rows = [r for r in load_rows() if 800 <= len(r.text) <= 1200][:300]
    texts = [r.text[:1000] for r in rows]
    assess_crisis("warm up")
    times = []
    for text in texts * 3:
        start = time.perf_counter()
        assess_crisis(text)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(
        f"latency per ~1,000-char text over {len(times)} runs: median {statistics.median(times):.2f} ms, "
        f"p99 {times[int(len(times) * 0.99)]:.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--evaluate", action="store_true", help="only evaluate the shipped analyzer")
    parser.add_argument("--no-write", action="store_true", help="cross-validate only; keep the shipped weights")
    args = parser.parse_args()
    if not args.evaluate:
        write_lexicon()
        # Features need only the lexicon just written, not the previous weights.
        crisis._model = crisis._Model(crisis._Linear({}, -10.0), None, 1.0, crisis._load_lexicon())
        rows = load_rows()
        started = time.perf_counter()
        extracted = [extract_all(r.text) for r in rows]
        features: list[Features] = [(t, s) for t, s, _ in extracted]
        grams = [g for _, _, g in extracted]
        print(f"features for {len(rows)} rows in {time.perf_counter() - started:.1f} s")
        fired = np.array([rules_fire(f) for f in features])
        print("rules only, full dev (no training involved):")
        for k, v in metrics(fired, rows).items():
            print(f"  {k}: {v:.3f}")
        print(f"{FOLDS}-fold stratified CV (stacker and threshold from inner folds of each training part):")
        started = time.perf_counter()
        cv = cross_validate(rows, features, grams)
        for key, values in cv.items():
            print(f"  {key}: {statistics.mean(values):.3f} ± {statistics.pstdev(values):.3f}")
        print(f"CV in {time.perf_counter() - started:.0f} s")
        if not args.no_write:
            train_final(rows, features, grams, cv)
    evaluate_shipped()
    latency()


if __name__ == "__main__":
    main()
