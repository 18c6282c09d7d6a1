"""Score a safety analyzer against a labelled CSV (the format of ../shared/datasets) and print its figures.

Only figures are printed, never dataset text. The last line of output is one JSON object.

Crisis labels are either ``stb``/``none`` or risk levels (``none`` … ``imminent``). "At risk" means level >= low
(or ``stb``); "urgent" means high or imminent and is scored only when labels are levels. A ``group`` column
(reddit_mh27) switches to group mode: positives are ``group == crisis`` and the firing rate per group is reported.

Toxicity: hate_speech, offensive_language and hate are toxic; neither and not_hate are not.

PII is scored span by span. A gold entity is found when a predicted span of a compatible kind overlaps it by at
least one character; compatibility comes from ``personal_details.DATASET_TYPE_MAP`` (dataset type -> analyzer
kinds). A predicted span is correct when it overlaps a gold span whose type is compatible with its kind.
Per analyzer kind, precision = correct predicted spans of that kind / all predicted spans of that kind.
Per dataset type, recall = found entities / entities, and precision pools the kinds compatible with that type.
Types missing from the map, or mapped to no kind (deliberately ignored, e.g. DATE_TIME), are out of scope:
reported with n only, listed as ``unmapped_types`` and left out of the overall figures.

Precision, recall and F1 are 0.0 when their denominator is 0. p99 is the nearest-rank percentile.
"""

from __future__ import annotations

import csv
import json
import math
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.core.management.base import BaseCommand, CommandError, CommandParser

T = TypeVar("T")

TASKS = ("crisis", "toxicity", "pii")
LEVELS = ("none", "low", "moderate", "high", "imminent")
GROUPS = ("control", "mental_health", "crisis")
TOXIC_LABELS = frozenset({"hate_speech", "offensive_language", "hate"})
NON_TOXIC_LABELS = frozenset({"neither", "not_hate"})
REQUIRED_COLUMNS = {
    "crisis": ("id", "text", "label"),
    "toxicity": ("id", "text", "label"),
    "pii": ("id", "text", "spans"),
}


# --- Analyzers, imported lazily so the command loads before every analyzer exists; tests replace these ---------


def predict_crisis_level(text: str) -> int:
    """The predicted risk level as an index into LEVELS."""
    from hearth.safety.analyzers.crisis import assess_crisis  # noqa: PLC0415

    return int(assess_crisis(text).level)


def predict_toxic(text: str) -> bool:
    from hearth.safety.analyzers.toxicity import assess_toxicity  # noqa: PLC0415

    return assess_toxicity(text, context=None).is_toxic


def predict_personal_details(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of each detail found."""
    from hearth.safety.analyzers.personal_details import find_personal_details  # noqa: PLC0415

    return [(d.kind, d.start, d.end) for d in find_personal_details(text).details]


def dataset_type_map() -> dict[str, frozenset[str]]:
    """Dataset span type -> the analyzer kinds that count as finding it."""
    from hearth.safety.analyzers.personal_details import DATASET_TYPE_MAP  # noqa: PLC0415

    return {dataset_type: frozenset(kinds) for dataset_type, kinds in DATASET_TYPE_MAP.items()}


# --- Metrics ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scores:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_json(self) -> dict[str, float]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def binary_scores(gold: Sequence[bool], predicted: Sequence[bool]) -> Scores:
    pairs = list(zip(gold, predicted, strict=True))
    return Scores(
        tp=sum(g and p for g, p in pairs),
        fp=sum(p and not g for g, p in pairs),
        fn=sum(g and not p for g, p in pairs),
    )


def confusion(gold: Sequence[int], predicted: Sequence[int], size: int) -> list[list[int]]:
    """Rows are gold classes, columns predicted."""
    matrix = [[0] * size for _ in range(size)]
    for g, p in zip(gold, predicted, strict=True):
        matrix[g][p] += 1
    return matrix


def latency(timings_ms: Sequence[float]) -> dict[str, float]:
    if not timings_ms:
        return {"p50": 0.0, "p99": 0.0}
    ordered = sorted(timings_ms)
    p99 = ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]
    return {"p50": round(statistics.median(ordered), 3), "p99": round(p99, 3)}


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def timed(call: Callable[[str], T], text: str, timings_ms: list[float]) -> T:
    started = time.perf_counter()
    result = call(text)
    timings_ms.append((time.perf_counter() - started) * 1000)
    return result


# --- Reading the dataset ---------------------------------------------------------------------------------------


def read_rows(path: Path, required: Iterable[str], limit: int | None) -> tuple[list[str], list[dict[str, str]]]:
    if not path.is_file():
        raise CommandError(f"Dataset not found: {path}")
    _raise_field_size_limit()
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = list(reader.fieldnames or [])
            missing = [c for c in required if c not in columns]
            if missing:
                raise CommandError(f"{path.name} lacks column(s): {', '.join(missing)} (has: {', '.join(columns)})")
            rows: list[dict[str, str]] = []
            for row in reader:
                if limit is not None and len(rows) >= limit:
                    break
                rows.append(row)
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path.name} is not UTF-8 text") from exc
    except csv.Error as exc:
        raise CommandError(f"{path.name} is not valid CSV: {exc}") from exc
    return columns, rows


def _raise_field_size_limit() -> None:
    limit = sys.maxsize
    while True:
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:
            limit //= 10


# --- Tasks -----------------------------------------------------------------------------------------------------


@dataclass
class Report:
    lines: list[str]
    summary: dict[str, Any]


def evaluate_crisis(columns: list[str], rows: list[dict[str, str]]) -> Report:
    timings: list[float] = []
    predicted = [timed(predict_crisis_level, row["text"], timings) for row in rows]
    predicted_at_risk = [level >= 1 for level in predicted]
    lines: list[str] = []
    summary: dict[str, Any] = {"task": "crisis", "n": len(rows)}

    if "group" in columns:
        groups = [row["group"].strip() for row in rows]
        _reject_unknown(groups, GROUPS, "group")
        gold = [group == "crisis" for group in groups]
        at_risk = binary_scores(gold, predicted_at_risk)
        fired = Counter(g for g, p in zip(groups, predicted_at_risk, strict=True) if p)
        fire_rate = {group: round(_ratio(fired[group], groups.count(group)), 4) for group in GROUPS}
        summary |= {"scheme": "group", "at_risk": at_risk.as_json(), "urgent": None}
        lines += _scores_lines("at risk (group == crisis vs predicted >= low)", at_risk)
        lines += _matrix_lines(("other", "crisis"), ("no", "at risk"), _binary_matrix(gold, predicted_at_risk))
        lines.append("Firing rate (share predicted >= low):")
        lines += [f"  {group:<14} {fire_rate[group]:.4f}  (n={groups.count(group)})" for group in GROUPS]
        summary["fire_rate"] = fire_rate
    else:
        labels = [row["label"].strip().lower() for row in rows]
        if set(labels) <= {"stb", "none"}:
            gold = [label == "stb" for label in labels]
            at_risk = binary_scores(gold, predicted_at_risk)
            summary |= {"scheme": "stb", "at_risk": at_risk.as_json(), "urgent": None}
            lines += _scores_lines("at risk (stb vs predicted >= low)", at_risk)
            lines += _matrix_lines(("none", "stb"), ("none", ">= low"), _binary_matrix(gold, predicted_at_risk))
        else:
            _reject_unknown(labels, LEVELS, "label")
            gold_levels = [LEVELS.index(label) for label in labels]
            at_risk = binary_scores([g >= 1 for g in gold_levels], predicted_at_risk)
            urgent = binary_scores([g >= 3 for g in gold_levels], [p >= 3 for p in predicted])
            summary |= {"scheme": "levels", "at_risk": at_risk.as_json(), "urgent": urgent.as_json()}
            lines += _scores_lines("at risk (level >= low)", at_risk)
            lines += _scores_lines("urgent (high or imminent)", urgent)
            lines += _matrix_lines(LEVELS, LEVELS, confusion(gold_levels, predicted, len(LEVELS)))

    summary["latency_ms"] = latency(timings)
    return Report(lines, summary)


def evaluate_toxicity(columns: list[str], rows: list[dict[str, str]]) -> Report:
    labels = [row["label"].strip().lower() for row in rows]
    _reject_unknown(labels, sorted(TOXIC_LABELS | NON_TOXIC_LABELS), "label")
    timings: list[float] = []
    predicted = [timed(predict_toxic, row["text"], timings) for row in rows]
    gold = [label in TOXIC_LABELS for label in labels]
    toxic = binary_scores(gold, predicted)
    lines = _scores_lines("toxic", toxic)
    lines += _matrix_lines(("not toxic", "toxic"), ("not toxic", "toxic"), _binary_matrix(gold, predicted))
    summary = {"task": "toxicity", "n": len(rows), "toxic": toxic.as_json(), "latency_ms": latency(timings)}
    return Report(lines, summary)


@dataclass(frozen=True)
class GoldSpan:
    start: int
    end: int
    type: str


def parse_spans(raw: str, row_number: int) -> list[GoldSpan]:
    try:
        items = json.loads(raw or "[]")
        return [GoldSpan(int(item["start"]), int(item["end"]), str(item["type"])) for item in items]
    except (ValueError, TypeError, KeyError) as exc:
        raise CommandError(f"Row {row_number}: the spans column is not a JSON list of {{start, end, type}}") from exc


def evaluate_pii(columns: list[str], rows: list[dict[str, str]]) -> Report:
    type_map = dataset_type_map()
    timings: list[float] = []
    found: Counter[str] = Counter()
    entities: Counter[str] = Counter()
    predicted_by_kind: Counter[str] = Counter()
    correct_by_kind: Counter[str] = Counter()
    sentence_gold: list[bool] = []
    sentence_predicted: list[bool] = []

    for number, row in enumerate(rows, start=2):
        gold = parse_spans(row["spans"], number)
        predicted = timed(predict_personal_details, row["text"], timings)
        for span in gold:
            entities[span.type] += 1
            compatible = type_map.get(span.type, frozenset())
            if any(kind in compatible and overlaps(start, end, span.start, span.end) for kind, start, end in predicted):
                found[span.type] += 1
        for kind, start, end in predicted:
            predicted_by_kind[kind] += 1
            if any(
                kind in type_map.get(span.type, frozenset()) and overlaps(start, end, span.start, span.end)
                for span in gold
            ):
                correct_by_kind[kind] += 1
        sentence_gold.append(any(type_map.get(span.type) for span in gold))
        sentence_predicted.append(bool(predicted))

    per_type: dict[str, dict[str, Any]] = {}
    unmapped = sorted(t for t in entities if not type_map.get(t))
    lines = [f"{'type':<20} {'precision':>9} {'recall':>7} {'n':>6}"]
    for dataset_type in sorted(entities):
        n = entities[dataset_type]
        if dataset_type in unmapped:
            per_type[dataset_type] = {"precision": None, "recall": None, "n": n}
            lines.append(f"{dataset_type:<20} {'-':>9} {'-':>7} {n:>6}  (not mapped to any analyzer kind)")
            continue
        kinds = type_map[dataset_type]
        precision = _ratio(sum(correct_by_kind[k] for k in kinds), sum(predicted_by_kind[k] for k in kinds))
        recall = _ratio(found[dataset_type], n)
        per_type[dataset_type] = {"precision": round(precision, 4), "recall": round(recall, 4), "n": n}
        lines.append(f"{dataset_type:<20} {precision:>9.4f} {recall:>7.4f} {n:>6}")

    per_kind = {
        kind: {"precision": round(_ratio(correct_by_kind[kind], count), 4), "n_predicted": count}
        for kind, count in sorted(predicted_by_kind.items())
    }
    lines.append(f"{'analyzer kind':<20} {'precision':>9} {'predicted':>9}")
    lines += [f"{kind:<20} {v['precision']:>9.4f} {v['n_predicted']:>9}" for kind, v in per_kind.items()]
    mapped_n = sum(n for t, n in entities.items() if t not in unmapped)
    # Span precision and entity recall count different things, so this F1 is a summary only.
    p = _ratio(sum(correct_by_kind.values()), sum(predicted_by_kind.values()))
    r = _ratio(sum(found.values()), mapped_n)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    overall_json = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4), "n": mapped_n}
    lines.append(f"overall (mapped types): precision {p:.4f}  recall {r:.4f}  F1 {f1:.4f}  n={mapped_n}")
    lines.append("Sentences with a mapped entity vs sentences with any prediction:")
    lines += _matrix_lines(
        ("no entity", "entity"), ("none", "found"), _binary_matrix(sentence_gold, sentence_predicted)
    )
    summary = {
        "task": "pii",
        "n": len(rows),
        "overall": overall_json,
        "per_type": per_type,
        "per_kind": per_kind,
        "unmapped_types": unmapped,
        "latency_ms": latency(timings),
    }
    return Report(lines, summary)


EVALUATORS: dict[str, Callable[[list[str], list[dict[str, str]]], Report]] = {
    "crisis": evaluate_crisis,
    "toxicity": evaluate_toxicity,
    "pii": evaluate_pii,
}


# --- Formatting ------------------------------------------------------------------------------------------------


def _reject_unknown(values: Iterable[str], allowed: Iterable[str], column: str) -> None:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise CommandError(f"Unexpected {column} value(s): {', '.join(unknown[:10])}; expected {', '.join(allowed)}")


def _binary_matrix(gold: Sequence[bool], predicted: Sequence[bool]) -> list[list[int]]:
    return confusion([int(g) for g in gold], [int(p) for p in predicted], 2)


def _scores_lines(name: str, scores: Scores) -> list[str]:
    return [
        f"{name}: precision {scores.precision:.4f}  recall {scores.recall:.4f}  F1 {scores.f1:.4f}  "
        f"(tp={scores.tp} fp={scores.fp} fn={scores.fn})"
    ]


def _matrix_lines(gold_names: Sequence[str], predicted_names: Sequence[str], matrix: list[list[int]]) -> list[str]:
    width = max(9, *(len(n) + 1 for n in (*gold_names, *predicted_names)))
    header = "gold \\ predicted".ljust(18) + "".join(n.rjust(width) for n in predicted_names)
    return [header] + [
        name.ljust(18) + "".join(str(v).rjust(width) for v in row) for name, row in zip(gold_names, matrix, strict=True)
    ]


def _iter_output(report: Report) -> Iterator[str]:
    yield from report.lines
    timing = report.summary["latency_ms"]
    yield f"time per text: median {timing['p50']:.3f} ms  p99 {timing['p99']:.3f} ms"
    yield json.dumps(report.summary, sort_keys=False)


class Command(BaseCommand):
    help = (
        "Score a safety analyzer on a labelled CSV (id,text,label[,group] or id,text,spans). Prints precision, "
        "recall, F1, a confusion matrix and time per text, then one JSON line. Never prints dataset text."
    )
    # Offline scoring needs neither the database nor URLs; skipping checks keeps it usable mid-refactor.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--task", required=True, help=f"one of: {', '.join(TASKS)}")
        parser.add_argument("--dataset", required=True, type=Path, help="path to a CSV file")
        parser.add_argument("--limit", type=int, default=None, help="score only the first N rows")

    def handle(self, *args: Any, **options: Any) -> None:
        task = options["task"]
        if task not in EVALUATORS:
            raise CommandError(f"Unknown task {task!r}; choose one of: {', '.join(TASKS)}")
        limit = options["limit"]
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1")
        columns, rows = read_rows(options["dataset"], REQUIRED_COLUMNS[task], limit)
        if not rows:
            raise CommandError(f"{options['dataset'].name} has no rows to score")
        try:
            report = EVALUATORS[task](columns, rows)
        except ImportError as exc:
            raise CommandError(f"The {task} analyzer is not available: {exc}") from exc
        self.stdout.write(f"task {task}: {len(rows)} texts from {options['dataset'].name}")
        for line in _iter_output(report):
            self.stdout.write(line)
