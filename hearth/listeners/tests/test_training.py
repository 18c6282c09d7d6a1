"""The listener training content: well-formed lessons and questions, and a fair, strict grader."""

from __future__ import annotations

import re

import pytest

from hearth.lib.markdown import render_markdown
from hearth.listeners import training
from hearth.listeners.training import LESSONS, PASS_MARK, QUIZ, VALID_FOR_DAYS, Question, grade, lesson

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Which lesson each question tests: every lesson must be covered (kept here so the public dataclass stays lean).
COVERS = {
    "q1-medication": "role",
    "q2-contact-details": "role",
    "q3-reflect": "listening",
    "q4-hopeless": "listening",
    "q5-check-risk": "first-aid",
    "q6-professional-help": "first-aid",
    "q7-ask-directly": "risk",
    "q8-hand-over": "risk",
    "q9-immediate-danger": "risk",
    "q10-ending": "ending-well",
}


def all_correct() -> dict[str, int]:
    return {q.id: q.answer for q in QUIZ}


def wrong_option(question: Question) -> int:
    return (question.answer + 1) % len(question.options)


class TestLessons:
    def test_there_are_four_or_five(self):
        assert 4 <= len(LESSONS) <= 5

    def test_slugs_are_unique_and_url_safe(self):
        slugs = [item.slug for item in LESSONS]
        assert len(set(slugs)) == len(slugs)
        for slug in slugs:
            assert SLUG.match(slug), slug

    @pytest.mark.parametrize("item", LESSONS, ids=lambda item: item.slug)
    def test_fields_are_filled_in(self, item):
        assert item.title.strip()
        assert item.summary.strip()
        assert item.body.strip()
        # One sentence.
        assert item.summary.endswith(".")
        assert item.summary.count(". ") == 0

    @pytest.mark.parametrize("item", LESSONS, ids=lambda item: item.slug)
    def test_bodies_are_short_lessons(self, item):
        assert 180 <= len(item.body.split()) <= 380

    @pytest.mark.parametrize("item", LESSONS, ids=lambda item: item.slug)
    def test_bodies_use_only_markdown_hearth_renders(self, item):
        assert not any(line.lstrip().startswith("#") for line in item.body.splitlines()), "no headings"
        assert "![" not in item.body, "no images"
        assert "<" not in item.body and ">" not in item.body, "no raw HTML"
        # A line continuation that slipped in as a literal backslash would show up in the text.
        assert "\\" not in item.body

    @pytest.mark.parametrize("item", LESSONS, ids=lambda item: item.slug)
    def test_bodies_render_to_html_without_headings(self, item):
        html = render_markdown(item.body)
        assert "<p>" in html
        assert not re.search(r"<h[1-6]\b", html)
        assert "<img" not in html
        assert "<strong>" in html

    def test_lookup_by_slug(self):
        for item in LESSONS:
            assert lesson(item.slug) is item
        assert lesson("no-such-lesson") is None
        assert lesson("") is None

    def test_the_risk_lesson_names_the_hand_over_button_and_help_page(self):
        risk = lesson("risk")
        assert risk is not None
        assert "Hand over to a moderator" in risk.body
        assert "Get help now" in risk.body
        assert "emergency services" in risk.body


class TestQuiz:
    def test_there_are_ten_questions_with_unique_ids(self):
        ids = [q.id for q in QUIZ]
        assert len(ids) == 10
        assert len(set(ids)) == len(ids)
        for question_id in ids:
            assert SLUG.match(question_id), question_id

    @pytest.mark.parametrize("question", QUIZ, ids=lambda q: q.id)
    def test_questions_are_well_formed(self, question):
        assert question.prompt.strip()
        assert question.explanation.strip()
        assert 3 <= len(question.options) <= 4
        assert len(set(question.options)) == len(question.options)
        assert all(option.strip() for option in question.options)
        assert 0 <= question.answer < len(question.options)

    def test_every_question_tests_a_lesson_and_every_lesson_is_tested(self):
        assert set(COVERS) == {q.id for q in QUIZ}
        assert set(COVERS.values()) == {item.slug for item in LESSONS}

    def test_the_right_answer_is_not_always_in_the_same_place(self):
        assert len({q.answer for q in QUIZ}) >= 3

    def test_pass_mark_is_reachable_and_meaningful(self):
        assert 0 < PASS_MARK <= len(QUIZ)
        assert len(QUIZ) * 0.7 <= PASS_MARK

    def test_training_lasts_a_year(self):
        assert VALID_FOR_DAYS == 365
        assert training.VALID_FOR_DAYS == VALID_FOR_DAYS


class TestGrade:
    def test_all_correct_gets_full_marks(self):
        result = grade(all_correct())
        assert result.score == result.total == len(QUIZ)
        assert result.passed
        assert result.missed == ()

    def test_exactly_the_pass_mark_passes(self):
        answers = all_correct()
        for question in QUIZ[: len(QUIZ) - PASS_MARK]:
            answers[question.id] = wrong_option(question)
        result = grade(answers)
        assert result.score == PASS_MARK
        assert result.passed

    def test_one_below_the_pass_mark_fails(self):
        answers = all_correct()
        wrong = QUIZ[: len(QUIZ) - PASS_MARK + 1]
        for question in wrong:
            answers[question.id] = wrong_option(question)
        result = grade(answers)
        assert result.score == PASS_MARK - 1
        assert not result.passed
        assert result.missed == wrong

    def test_nothing_answered_scores_zero_and_misses_everything(self):
        result = grade({})
        assert result.score == 0
        assert result.total == len(QUIZ)
        assert not result.passed
        assert result.missed == QUIZ

    def test_missing_and_invalid_answers_are_wrong_and_listed_in_quiz_order(self):
        answers = all_correct()
        last, first, middle, fourth = QUIZ[-1], QUIZ[0], QUIZ[5], QUIZ[3]
        del answers[last.id]
        answers[first.id] = len(first.options)  # one past the end
        answers[middle.id] = -1  # would otherwise index the last option
        answers[fourth.id] = True  # type: ignore[assignment]
        result = grade(answers)
        assert result.score == len(QUIZ) - 4
        assert result.missed == (first, fourth, middle, last)

    @pytest.mark.parametrize("bad", ["1", None, 1.0, [1]])
    def test_answers_of_the_wrong_type_are_wrong(self, bad):
        answers: dict[str, object] = dict(all_correct())
        answers[QUIZ[2].id] = bad
        result = grade(answers)  # type: ignore[arg-type]
        assert result.missed == (QUIZ[2],)

    def test_unknown_ids_are_ignored(self):
        answers = all_correct()
        answers["q99-not-a-question"] = 0
        answers[""] = 3
        result = grade(answers)
        assert result.score == len(QUIZ)
        assert result.missed == ()

    def test_unknown_ids_do_not_make_up_for_missing_ones(self):
        answers = all_correct()
        del answers[QUIZ[0].id]
        answers["q0-extra"] = 0
        assert grade(answers).score == len(QUIZ) - 1


def test_a_pass_needs_every_risk_question_right():
    from hearth.listeners.training import MUST_ANSWER_RIGHT

    assert {q.id for q in QUIZ} >= MUST_ANSWER_RIGHT
    risk = next(q for q in QUIZ if q.id in MUST_ANSWER_RIGHT)
    answers = {q.id: q.answer for q in QUIZ}
    answers[risk.id] = (risk.answer + 1) % len(risk.options)
    result = grade(answers)
    assert result.score == len(QUIZ) - 1 >= PASS_MARK
    assert not result.passed
