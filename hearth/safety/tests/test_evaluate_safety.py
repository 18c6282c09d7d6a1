"""evaluate_safety: the figures are computed exactly from stubbed analyzers, errors are clear, and no text leaks."""

from __future__ import annotations

import csv
import json
import sys
import types
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hearth.safety.management.commands import evaluate_safety as command
from hearth.safety.management.commands.evaluate_safety import confusion, latency


def write_csv(path, header, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(*args):
    out = StringIO()
    call_command("evaluate_safety", *args, stdout=out)
    return out.getvalue()


def summary_of(output):
    return json.loads(output.strip().splitlines()[-1])


def stub(monkeypatch, name, answers):
    """Replace one analyzer with a lookup from text to the answer it should give."""
    monkeypatch.setattr(command, name, lambda text: answers[text])


# --- Crisis ----------------------------------------------------------------------------------------------------

STB_ROWS = [
    # (text, label, predicted level)
    ('She said, "hold on"\nand I did, barely.', "stb", 2),
    ("Another night of not sleeping, thinking it over.", "stb", 0),
    ("Our dog ate my sock, again.", "none", 1),
    ("Tea with my sister was nice.", "none", 0),
    ("Everything feels very far away tonight.", "stb", 4),
]


def test_crisis_stb_labels_give_at_risk_scores_a_2x2_matrix_and_no_urgent(tmp_path, monkeypatch):
    path = write_csv(
        tmp_path / "stb.csv",
        ["id", "text", "label", "source"],
        [(i, t, lab, "x") for i, (t, lab, _) in enumerate(STB_ROWS)],
    )
    stub(monkeypatch, "predict_crisis_level", {t: level for t, _, level in STB_ROWS})

    output = run("--task", "crisis", "--dataset", str(path))
    summary = summary_of(output)

    assert summary["task"] == "crisis"
    assert summary["n"] == 5
    assert summary["at_risk"] == {"precision": 0.6667, "recall": 0.6667, "f1": 0.6667}
    assert summary["urgent"] is None
    assert set(summary["latency_ms"]) == {"p50", "p99"}
    assert "fire_rate" not in summary
    # rows are gold none/stb, columns predicted none/>= low
    lines = output.splitlines()
    matrix = [line.split()[-2:] for line in lines if line.startswith(("none ", "stb "))]
    assert matrix == [["1", "1"], ["1", "2"]]


LEVEL_ROWS = [
    ("Quiet day, did the crossword.", "none", 0),
    ("Work was loud and I am tired.", "none", 1),
    ("Sometimes I wish I could just disappear for a while.", "low", 0),
    ("I keep thinking about how I would do it.", "moderate", 2),
    ("I have decided, I just need to pick a day.", "high", 2),
    ("I have a plan and I intend to follow it.", "high", 3),
    ("It is happening tonight and I am ready.", "imminent", 4),
    ("I am on the bridge now.", "imminent", 3),
]


def test_crisis_level_labels_give_at_risk_urgent_and_a_5x5_matrix(tmp_path, monkeypatch):
    path = write_csv(
        tmp_path / "levels.csv", ["id", "text", "label"], [(i, t, lab) for i, (t, lab, _) in enumerate(LEVEL_ROWS)]
    )
    stub(monkeypatch, "predict_crisis_level", {t: level for t, _, level in LEVEL_ROWS})

    output = run("--task", "crisis", "--dataset", str(path))
    summary = summary_of(output)

    assert summary["n"] == 8
    assert summary["at_risk"] == {"precision": 0.8333, "recall": 0.8333, "f1": 0.8333}
    assert summary["urgent"] == {"precision": 1.0, "recall": 0.75, "f1": 0.8571}
    rows = {
        line.split()[0]: [int(v) for v in line.split()[1:]]
        for line in output.splitlines()
        if line.split() and line.split()[0] in command.LEVELS and len(line.split()) == 6
    }
    assert rows == {
        "none": [1, 1, 0, 0, 0],
        "low": [1, 0, 0, 0, 0],
        "moderate": [0, 0, 1, 0, 0],
        "high": [0, 0, 1, 1, 0],
        "imminent": [0, 0, 0, 1, 1],
    }


GROUP_ROWS = [
    ("Can't see a way forward anymore.", "suicidewatch", "crisis", 1),
    ("Not sure why I am posting this.", "suicidewatch", "crisis", 0),
    ("Panic attack on the bus again.", "anxiety", "mental_health", 1),
    ("Six months without a drink.", "addiction", "mental_health", 0),
    ("Therapy homework is hard.", "depression", "mental_health", 0),
    ("Should I pay off my card first?", "personalfinance", "control", 0),
    ("Marking essays all weekend, kill me now.", "teaching", "control", 2),
]


def test_crisis_group_column_scores_crisis_group_and_reports_fire_rates(tmp_path, monkeypatch):
    path = write_csv(
        tmp_path / "groups.csv",
        ["id", "text", "label", "group"],
        [(i, t, lab, g) for i, (t, lab, g, _) in enumerate(GROUP_ROWS)],
    )
    stub(monkeypatch, "predict_crisis_level", {t: level for t, _, _, level in GROUP_ROWS})

    summary = summary_of(run("--task", "crisis", "--dataset", str(path)))

    assert summary["at_risk"] == {"precision": 0.3333, "recall": 0.5, "f1": 0.4}
    assert summary["urgent"] is None
    assert summary["fire_rate"] == {"control": 0.5, "mental_health": 0.3333, "crisis": 0.5}


def test_limit_scores_only_the_first_rows(tmp_path, monkeypatch):
    path = write_csv(
        tmp_path / "stb.csv", ["id", "text", "label"], [(i, t, lab) for i, (t, lab, _) in enumerate(STB_ROWS)]
    )
    stub(monkeypatch, "predict_crisis_level", {t: level for t, _, level in STB_ROWS})

    summary = summary_of(run("--task", "crisis", "--dataset", str(path), "--limit", "2"))

    # first two rows: one true positive, one false negative
    assert summary["n"] == 2
    assert summary["at_risk"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667}


# --- Toxicity --------------------------------------------------------------------------------------------------

TOXIC_ROWS = [
    ("[a slur aimed at a group]", "hate_speech", True),
    ("[a crude insult]", "offensive_language", False),
    ("Thanks, that really helped.", "neither", True),
    ("[a hateful generalisation]", "hate", True),
    ("I disagree, but I see your point.", "not_hate", False),
]


def test_toxicity_scores_and_matrix(tmp_path, monkeypatch):
    path = write_csv(
        tmp_path / "tox.csv", ["id", "text", "label"], [(i, t, lab) for i, (t, lab, _) in enumerate(TOXIC_ROWS)]
    )
    stub(monkeypatch, "predict_toxic", {t: p for t, _, p in TOXIC_ROWS})

    output = run("--task", "toxicity", "--dataset", str(path))
    summary = summary_of(output)

    assert summary["task"] == "toxicity"
    assert summary["n"] == 5
    assert summary["toxic"] == {"precision": 0.6667, "recall": 0.6667, "f1": 0.6667}
    assert "(tp=2 fp=1 fn=1)" in output
    matrix = [line.split()[-2:] for line in output.splitlines() if line.startswith(("not toxic ", "toxic "))]
    assert matrix == [["1", "1"], ["1", "2"]]


# --- PII -------------------------------------------------------------------------------------------------------

TYPE_MAP = {
    "PHONE_NUMBER": frozenset({"phone"}),
    "EMAIL_ADDRESS": frozenset({"email"}),
    "PERSON": frozenset({"name"}),
    "GPE": frozenset({"location"}),
    "STREET_ADDRESS": frozenset({"location"}),
    "DATE_TIME": frozenset(),  # mapped to nothing: out of scope, like a type missing from the map
}

PII_ROWS = [
    # (text, gold spans, predicted (kind, start, end))
    (
        "Call me on 555 0100 or mail jo@example.org",
        [(11, 19, "PHONE_NUMBER"), (28, 42, "EMAIL_ADDRESS")],
        [("phone", 11, 19), ("email", 30, 35)],
    ),
    (
        "Dr Sam lives in Leeds",
        [(0, 2, "TITLE"), (3, 6, "PERSON"), (16, 21, "GPE")],
        [("name", 0, 6), ("location", 16, 21)],
    ),
    ("Nothing personal here at all", [], [("phone", 0, 7)]),
    ("See you on Tuesday", [(11, 18, "DATE_TIME")], []),
    ("Write to 12 Hill Road please", [(9, 21, "STREET_ADDRESS")], [("name", 9, 11)]),
]


def pii_csv(tmp_path):
    rows = []
    for i, (text, spans, _) in enumerate(PII_ROWS):
        gold = [{"start": s, "end": e, "type": t} for s, e, t in spans]
        label = "|".join(sorted({t for _, _, t in spans})) or "NONE"
        rows.append((f"p-{i}", text, label, json.dumps(gold), "1"))
    return write_csv(tmp_path / "pii.csv", ["id", "text", "label", "spans", "template_id"], rows)


def test_pii_per_type_per_kind_and_overall_figures(tmp_path, monkeypatch):
    path = pii_csv(tmp_path)
    stub(monkeypatch, "predict_personal_details", {t: p for t, _, p in PII_ROWS})
    monkeypatch.setattr(command, "dataset_type_map", lambda: TYPE_MAP)

    output = run("--task", "pii", "--dataset", str(path))
    summary = summary_of(output)

    assert summary["task"] == "pii"
    assert summary["n"] == 5
    assert summary["per_type"] == {
        "DATE_TIME": {"precision": None, "recall": None, "n": 1},
        "EMAIL_ADDRESS": {"precision": 1.0, "recall": 1.0, "n": 1},
        "GPE": {"precision": 1.0, "recall": 1.0, "n": 1},
        "PERSON": {"precision": 0.5, "recall": 1.0, "n": 1},
        "PHONE_NUMBER": {"precision": 0.5, "recall": 1.0, "n": 1},
        "STREET_ADDRESS": {"precision": 1.0, "recall": 0.0, "n": 1},
        "TITLE": {"precision": None, "recall": None, "n": 1},
    }
    assert summary["per_kind"] == {
        "email": {"precision": 1.0, "n_predicted": 1},
        "location": {"precision": 1.0, "n_predicted": 1},
        "name": {"precision": 0.5, "n_predicted": 2},
        "phone": {"precision": 0.5, "n_predicted": 2},
    }
    assert summary["unmapped_types"] == ["DATE_TIME", "TITLE"]
    assert summary["overall"] == {"precision": 0.6667, "recall": 0.8, "f1": 0.7273, "n": 5}
    # sentences: rows 1, 2 and 4 have an in-scope entity; rows 1-4 have predictions; row 5 has neither
    matrix = [line.split()[-2:] for line in output.splitlines() if line.startswith(("no entity ", "entity "))]
    assert matrix == [["1", "1"], ["0", "3"]]


def test_pii_dataset_type_map_is_read_from_personal_details(monkeypatch):
    fake = types.SimpleNamespace(DATASET_TYPE_MAP={"PERSON": {"PERSON"}, "GPE": ("STREET_ADDRESS", "CITY")})
    monkeypatch.setitem(sys.modules, "hearth.safety.analyzers.personal_details", fake)

    assert command.dataset_type_map() == {
        "PERSON": frozenset({"PERSON"}),
        "GPE": frozenset({"STREET_ADDRESS", "CITY"}),
    }


def test_pii_bad_spans_json_is_a_clear_error(tmp_path, monkeypatch):
    path = write_csv(
        tmp_path / "bad.csv", ["id", "text", "label", "spans"], [("1", "Hello there", "PERSON", "not json")]
    )
    monkeypatch.setattr(command, "predict_personal_details", lambda text: [])
    monkeypatch.setattr(command, "dataset_type_map", lambda: TYPE_MAP)

    with pytest.raises(CommandError, match="Row 2: the spans column"):
        run("--task", "pii", "--dataset", str(path))


# --- Metric helpers --------------------------------------------------------------------------------------------


def test_latency_is_median_and_nearest_rank_p99():
    assert latency([float(v) for v in range(1, 101)]) == {"p50": 50.5, "p99": 99.0}
    assert latency([3.0]) == {"p50": 3.0, "p99": 3.0}
    assert latency([]) == {"p50": 0.0, "p99": 0.0}


def test_confusion_rows_are_gold_and_columns_predicted():
    assert confusion([0, 0, 1, 2], [0, 2, 1, 1], 3) == [[1, 0, 1], [0, 1, 0], [0, 1, 0]]


def test_scores_are_zero_when_nothing_is_predicted_or_present():
    scores = command.binary_scores([False, False], [False, False])

    assert (scores.precision, scores.recall, scores.f1) == (0.0, 0.0, 0.0)


# --- Input handling and errors ---------------------------------------------------------------------------------


def test_huge_quoted_fields_are_read(tmp_path, monkeypatch):
    long_text = 'word, "quoted"\n' * 20_000  # about 300,000 characters, beyond csv's default field limit
    path = write_csv(tmp_path / "big.csv", ["id", "text", "label"], [("1", long_text, "stb")])
    monkeypatch.setattr(command, "predict_crisis_level", lambda text: 1 if text == long_text else 0)

    summary = summary_of(run("--task", "crisis", "--dataset", str(path)))

    assert summary["at_risk"]["recall"] == 1.0


def test_dataset_text_is_never_printed(tmp_path, monkeypatch):
    path = write_csv(
        tmp_path / "stb.csv", ["id", "text", "label"], [(i, t, lab) for i, (t, lab, _) in enumerate(STB_ROWS)]
    )
    stub(monkeypatch, "predict_crisis_level", {t: level for t, _, level in STB_ROWS})

    output = run("--task", "crisis", "--dataset", str(path))

    for text, _, _ in STB_ROWS:
        assert text.splitlines()[0] not in output


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Dataset not found"):
        run("--task", "crisis", "--dataset", str(tmp_path / "nope.csv"))


def test_missing_columns_are_named(tmp_path):
    path = write_csv(tmp_path / "cols.csv", ["id", "body"], [("1", "hello")])

    with pytest.raises(CommandError, match="lacks column\\(s\\): text, label"):
        run("--task", "toxicity", "--dataset", str(path))


def test_pii_needs_a_spans_column(tmp_path):
    path = write_csv(tmp_path / "cols.csv", ["id", "text", "label"], [("1", "hello", "NONE")])

    with pytest.raises(CommandError, match="lacks column\\(s\\): spans"):
        run("--task", "pii", "--dataset", str(path))


def test_unknown_task_is_a_clear_error(tmp_path):
    path = write_csv(tmp_path / "any.csv", ["id", "text", "label"], [("1", "hello", "none")])

    with pytest.raises(CommandError, match="Unknown task 'empathy'"):
        run("--task", "empathy", "--dataset", str(path))


def test_unknown_labels_are_a_clear_error(tmp_path, monkeypatch):
    path = write_csv(
        tmp_path / "labels.csv", ["id", "text", "label"], [("1", "hello", "Ideation"), ("2", "hi", "none")]
    )
    monkeypatch.setattr(command, "predict_crisis_level", lambda text: 0)

    with pytest.raises(CommandError, match="Unexpected label value\\(s\\): ideation"):
        run("--task", "crisis", "--dataset", str(path))


def test_unknown_toxicity_labels_are_a_clear_error(tmp_path, monkeypatch):
    path = write_csv(tmp_path / "labels.csv", ["id", "text", "label"], [("1", "hello", "spam")])
    monkeypatch.setattr(command, "predict_toxic", lambda text: False)

    with pytest.raises(CommandError, match="Unexpected label value\\(s\\): spam"):
        run("--task", "toxicity", "--dataset", str(path))


def test_an_empty_dataset_is_a_clear_error(tmp_path):
    path = write_csv(tmp_path / "empty.csv", ["id", "text", "label"], [])

    with pytest.raises(CommandError, match="no rows"):
        run("--task", "crisis", "--dataset", str(path))


# --- End to end with whatever real analyzer exists -------------------------------------------------------------


def test_end_to_end_crisis(tmp_path):
    pytest.importorskip("hearth.safety.analyzers.crisis")
    path = write_csv(
        tmp_path / "e2e.csv",
        ["id", "text", "label"],
        [
            ("1", "I have the pills in my hand and I am going to take them all tonight.", "stb"),
            ("2", "Went to the allotment and the beans are finally up.", "none"),
        ],
    )

    summary = summary_of(run("--task", "crisis", "--dataset", str(path)))

    assert summary["n"] == 2
    assert set(summary["at_risk"]) == {"precision", "recall", "f1"}
    assert summary["latency_ms"]["p50"] > 0


def test_end_to_end_toxicity(tmp_path):
    pytest.importorskip("hearth.safety.analyzers.toxicity")
    path = write_csv(
        tmp_path / "e2e.csv",
        ["id", "text", "label"],
        [
            ("1", "You are a worthless idiot and everyone hates you.", "offensive_language"),
            ("2", "Sending you a hug.", "neither"),
        ],
    )

    summary = summary_of(run("--task", "toxicity", "--dataset", str(path)))

    assert summary["n"] == 2
    assert set(summary["toxic"]) == {"precision", "recall", "f1"}


def test_end_to_end_pii(tmp_path):
    module = pytest.importorskip("hearth.safety.analyzers.personal_details")
    if not hasattr(module, "DATASET_TYPE_MAP"):
        pytest.skip("personal_details has no DATASET_TYPE_MAP yet")
    text = "Text me on 07700 900123 or email sam.jones@example.com"
    spans = [
        {"start": text.index("07700"), "end": text.index(" or"), "type": "PHONE_NUMBER"},
        {"start": text.index("sam."), "end": len(text), "type": "EMAIL_ADDRESS"},
    ]
    path = write_csv(
        tmp_path / "e2e.csv",
        ["id", "text", "label", "spans"],
        [("1", text, "EMAIL_ADDRESS|PHONE_NUMBER", json.dumps(spans)), ("2", "Nothing to see.", "NONE", "[]")],
    )

    summary = summary_of(run("--task", "pii", "--dataset", str(path)))

    assert summary["n"] == 2
    assert summary["overall"]["n"] >= 0
