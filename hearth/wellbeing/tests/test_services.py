from __future__ import annotations

import datetime as dt
import logging

import pytest
import time_machine

from hearth.core.errors import ApplicationError
from hearth.wellbeing.models import SafetyPlan
from hearth.wellbeing.sections import SECTION_KEYS
from hearth.wellbeing.services import clean_items, save_safety_plan

NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


class TestCleanItems:
    def test_it_tidies_spaces_and_drops_empty_items(self):
        assert clean_items("coping_alone", ["  a walk \n outside ", "", "   ", "music"]) == ["a walk outside", "music"]

    def test_it_allows_ten_items_of_300_characters(self):
        items = ["x" * 300] * 10
        assert clean_items("coping_alone", items) == items

    def test_it_refuses_an_eleventh_item_naming_the_section(self):
        with pytest.raises(ApplicationError) as exc:
            clean_items("coping_alone", [f"thing {i}" for i in range(11)])
        assert exc.value.code == "too_many_items"
        assert "Things I can do on my own to cope" in exc.value.message
        assert "11" in exc.value.message

    def test_it_refuses_a_long_item_by_number_without_quoting_it(self):
        with pytest.raises(ApplicationError) as exc:
            clean_items("people_to_ask", ["Sam", "secret words " * 30])
        assert exc.value.code == "item_too_long"
        assert "item 2" in exc.value.message
        assert "secret words" not in exc.value.message

    def test_it_refuses_an_unknown_section(self):
        with pytest.raises(ApplicationError) as exc:
            clean_items("favourite_colour", ["blue"])
        assert exc.value.code == "unknown_section"

    def test_it_refuses_nul_characters(self):
        with pytest.raises(ApplicationError):
            clean_items("coping_alone", ["tea\x00"])


@pytest.mark.django_db
class TestSaveSafetyPlan:
    def test_it_creates_the_plan_with_every_section(self, member):
        with time_machine.travel(NOON, tick=False):
            plan = save_safety_plan(member, sections={"coping_alone": ["a walk"], "reasons_for_living": ["my cat"]})
        plan.refresh_from_db()
        assert plan.user == member
        assert set(plan.sections) == set(SECTION_KEYS)
        assert plan.items("coping_alone") == ["a walk"]
        assert plan.items("warning_signs") == []
        assert plan.created_at == plan.updated_at == NOON

    def test_saving_again_replaces_the_plan_and_moves_updated_at(self, member):
        with time_machine.travel(NOON, tick=False):
            save_safety_plan(member, sections={"coping_alone": ["a walk"], "distractions": ["the library"]})
        with time_machine.travel(NOON + dt.timedelta(days=1), tick=False):
            plan = save_safety_plan(member, sections={"coping_alone": ["a bath"]})
        plan.refresh_from_db()
        assert SafetyPlan.objects.filter(user=member).count() == 1
        assert plan.items("coping_alone") == ["a bath"]
        assert plan.items("distractions") == []
        assert plan.created_at == NOON
        assert plan.updated_at == NOON + dt.timedelta(days=1)

    def test_a_bad_section_saves_nothing(self, member):
        save_safety_plan(member, sections={"coping_alone": ["a walk"]})
        with pytest.raises(ApplicationError):
            save_safety_plan(member, sections={"coping_alone": ["tea"], "reasons_for_living": ["x"] * 11})
        assert SafetyPlan.objects.get(user=member).items("coping_alone") == ["a walk"]

    def test_an_unknown_section_is_refused(self, member):
        with pytest.raises(ApplicationError) as exc:
            save_safety_plan(member, sections={"copin_alone": ["tea"]})
        assert exc.value.code == "unknown_section"
        assert not SafetyPlan.objects.exists()

    def test_an_inactive_account_cannot_save(self, member):
        member.is_active = False
        with pytest.raises(ApplicationError):
            save_safety_plan(member, sections={"coping_alone": ["tea"]})

    def test_plans_are_one_per_member(self, member, other_member):
        save_safety_plan(member, sections={"coping_alone": ["mine"]})
        save_safety_plan(other_member, sections={"coping_alone": ["theirs"]})
        assert SafetyPlan.objects.get(user=member).items("coping_alone") == ["mine"]
        assert SafetyPlan.objects.get(user=other_member).items("coping_alone") == ["theirs"]

    def test_the_text_is_never_logged_nor_in_its_string(self, member, caplog):
        caplog.set_level(logging.DEBUG)
        plan = save_safety_plan(member, sections={"people_to_ask": ["Aunt Jo 07700 900123"]})
        with pytest.raises(ApplicationError):
            save_safety_plan(member, sections={"people_to_ask": ["Aunt Jo 07700 900123"] * 11})
        assert "Aunt Jo" not in caplog.text
        assert "Aunt Jo" not in str(plan)
        assert "Aunt Jo" not in repr(plan)

    def test_the_plan_is_not_screened(self, member):
        from hearth.safety.models import Screening

        save_safety_plan(member, sections={"warning_signs": ["I start thinking about ending my life"]})
        assert not Screening.objects.exists()
