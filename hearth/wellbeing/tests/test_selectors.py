from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from hearth.safety.resources import all_countries
from hearth.wellbeing.selectors import own_safety_plan, safety_plan_for, suggested_professionals
from hearth.wellbeing.services import save_safety_plan


@pytest.mark.django_db
class TestSafetyPlanFor:
    def test_it_is_none_for_a_visitor(self, django_assert_num_queries):
        with django_assert_num_queries(0):
            assert safety_plan_for(AnonymousUser()) is None

    def test_it_is_none_without_a_plan(self, member):
        assert safety_plan_for(member) is None

    def test_it_is_none_for_an_empty_plan(self, member):
        save_safety_plan(member, sections={})
        assert own_safety_plan(member) is not None
        assert safety_plan_for(member) is None

    def test_it_is_the_members_own_plan_in_one_query(self, member, other_member, django_assert_num_queries):
        save_safety_plan(other_member, sections={"coping_alone": ["theirs"]})
        save_safety_plan(member, sections={"coping_alone": ["mine"]})
        with django_assert_num_queries(1):
            plan = safety_plan_for(member)
        assert plan is not None
        assert plan.items("coping_alone") == ["mine"]


@pytest.mark.django_db
class TestHighlights:
    def test_they_are_coping_people_and_reasons_in_plan_order(self, member):
        plan = save_safety_plan(
            member,
            sections={
                "warning_signs": ["not sleeping"],
                "reasons_for_living": ["my cat"],
                "coping_alone": ["a walk"],
                "people_to_ask": ["my sister"],
            },
        )
        assert [(s.key, items) for s, items in plan.highlights] == [
            ("coping_alone", ["a walk"]),
            ("people_to_ask", ["my sister"]),
            ("reasons_for_living", ["my cat"]),
        ]

    def test_without_those_they_are_the_parts_filled_in(self, member):
        plan = save_safety_plan(member, sections={"warning_signs": ["not sleeping"], "distractions": ["the park"]})
        assert [s.key for s, _ in plan.highlights] == ["warning_signs", "distractions"]


class TestSuggestedProfessionals:
    def test_they_are_the_countrys_lines_then_its_emergency_number(self):
        suggested = suggested_professionals(all_countries()["GB"])
        assert suggested[0].startswith("Samaritans: 116 123")
        assert suggested[-1] == "In an emergency: 999"

    def test_every_country_fits_the_plans_limits(self):
        for country in all_countries().values():
            suggested = suggested_professionals(country)
            assert len(suggested) <= 10
            assert all(len(item) <= 300 for item in suggested)
