from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hearth.core.testing.factories import UserFactory
from hearth.wellbeing.models import SafetyPlan
from hearth.wellbeing.sections import SECTION_KEYS
from hearth.wellbeing.services import save_safety_plan

PLAN_URL = "/safety-plan/"
PRINT_URL = "/safety-plan/print/"
CRISIS = "I can't do this anymore. I'm going to kill myself tonight, I've already written goodbye letters."
PRIVATE = "Aunt Rosalind on 07700 900456"


def form_data(**sections: str) -> dict[str, str]:
    return {key: sections.get(key, "") for key in SECTION_KEYS}


@pytest.fixture
def plan(member):
    return save_safety_plan(
        member,
        sections={
            "warning_signs": ["I stop answering messages"],
            "coping_alone": ["A hot shower", "Walk round the block"],
            "people_to_ask": [PRIVATE],
            "reasons_for_living": ["Biscuit, my dog"],
        },
    )


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
class TestSafetyPlanPage:
    def test_urls_are_named(self):
        assert reverse("wellbeing:safety-plan") == PLAN_URL
        assert reverse("wellbeing:safety-plan-print") == PRINT_URL

    def test_a_new_plan_starts_with_the_countrys_crisis_lines(self, member_client):
        response = member_client.get(PLAN_URL, HTTP_ACCEPT_LANGUAGE="en-US")
        html = response.content.decode()
        assert response.status_code == 200
        assert "Make my plan" in html
        assert '<label for="id_people_to_ask">People I can ask for help</label>' in html
        assert "988 Suicide &amp; Crisis Lifeline: Call 988" in html
        assert "In an emergency: 911" in html
        assert not SafetyPlan.objects.exists()

    def test_it_shows_the_plan_and_the_form_to_change_it(self, member_client, plan):
        html = member_client.get(PLAN_URL).content.decode()
        assert "Change my plan" in html
        assert "Biscuit, my dog" in html
        assert f'href="{PRINT_URL}"' in html
        # The form holds the plan, one item per line, and no suggestion is added to a plan already saved.
        assert "A hot shower\nWalk round the block</textarea>" in html
        assert "Samaritans" not in html.split("<form", 2)[-1]

    def test_saving_redirects_with_a_message(self, member, member_client):
        data = form_data(coping_alone="A hot shower\n\n  Walk round   the block  \n", reasons_for_living="Biscuit")
        response = member_client.post(PLAN_URL, data)
        assert response.status_code == 302
        assert response["Location"] == PLAN_URL
        plan = SafetyPlan.objects.get(user=member)
        assert plan.items("coping_alone") == ["A hot shower", "Walk round the block"]
        assert plan.items("reasons_for_living") == ["Biscuit"]
        html = member_client.get(PLAN_URL).content.decode()
        assert "Your safety plan is saved." in html

    def test_an_emptied_plan_can_be_saved(self, member, member_client, plan):
        assert member_client.post(PLAN_URL, form_data()).status_code == 302
        assert SafetyPlan.objects.get(user=member).is_empty
        assert "Make my plan" in member_client.get(PLAN_URL).content.decode()

    def test_validation_errors_name_the_part_and_keep_everything_typed(self, member, member_client, plan):
        too_many = "\n".join(f"Thing number {i}" for i in range(12))
        too_long = "Sam " + "x" * 320
        data = form_data(coping_alone=too_many, people_to_ask=f"Kim\n{too_long}", reasons_for_living="New reason")
        response = member_client.post(PLAN_URL, data)
        assert response.status_code == 400
        html = response.content.decode()
        assert "Your plan isn't saved yet" in html
        assert "can hold up to 10 things, and there are 12" in html
        assert "In “People I can ask for help”, item 2 is 324 characters long" in html
        assert "Thing number 11" in html
        assert too_long in html
        assert "New reason</textarea>" in html
        assert 'aria-invalid="true"' in html
        # Nothing was saved.
        assert SafetyPlan.objects.get(user=member).items("reasons_for_living") == ["Biscuit, my dog"]

    def test_the_query_count_does_not_grow_with_the_plan(self, member, member_client):
        member_client.get(PLAN_URL)  # warm the session
        empty = count_queries(member_client, PLAN_URL)
        save_safety_plan(member, sections={key: [f"item {i}" for i in range(10)] for key in SECTION_KEYS})
        # * session, * user, * the plan, * memberships and * unread notifications (for the navigation)
        assert count_queries(member_client, PLAN_URL) == empty == 5

    def test_visitors_are_sent_to_sign_in(self, client):
        for url in (PLAN_URL, PRINT_URL):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/")
        assert client.post(PLAN_URL, form_data(coping_alone="x")).status_code == 302
        assert not SafetyPlan.objects.exists()

    def test_the_link_is_in_the_navigation_for_members_only(self, member_client, client):
        assert f'<a href="{PLAN_URL}">Safety plan</a>' in member_client.get("/").content.decode()
        assert f'<a href="{PLAN_URL}">Safety plan</a>' not in client.get("/").content.decode()


@pytest.mark.django_db
class TestPrintPage:
    def test_it_is_the_plan_as_a_plain_page(self, member_client, plan):
        response = member_client.get(PRINT_URL)
        html = response.content.decode()
        assert response.status_code == 200
        assert "<form" not in html
        assert 'id="quick-exit"' in html
        assert PRIVATE in html
        assert "My reasons for living, and what matters to me" in html
        assert "Content-Disposition" not in response
        assert "no-store" in response["Cache-Control"]

    def test_it_can_be_downloaded_as_a_file(self, member_client, plan):
        response = member_client.get(PRINT_URL + "?download=1")
        assert response["Content-Disposition"] == 'attachment; filename="my-safety-plan.html"'
        assert PRIVATE in response.content.decode()

    def test_without_a_plan_it_points_to_making_one(self, member_client):
        html = member_client.get(PRINT_URL).content.decode()
        assert "There's nothing to print yet" in html


@pytest.mark.django_db
class TestNobodyElseCanSeeIt:
    """There is no address for somebody else's plan; everyone who tries gets their own, or the sign-in page."""

    @pytest.mark.parametrize(
        "persona", ["other_member", "outsider", "moderator", "global_moderator", "admin_user"], ids=str
    )
    def test_other_people_see_only_their_own_plan(self, request, plan, persona):
        client = Client()
        client.force_login(request.getfixturevalue(persona))
        for url in (PLAN_URL, PRINT_URL, PRINT_URL + "?download=1"):
            html = client.get(url).content.decode()
            assert PRIVATE not in html
            assert "Biscuit" not in html

    def test_another_member_saving_does_not_touch_it(self, other_member_client, member, plan):
        other_member_client.post(PLAN_URL, form_data(coping_alone="Mine"))
        assert SafetyPlan.objects.get(user=member).items("people_to_ask") == [PRIVATE]

    def test_it_is_not_in_the_admin_site(self, admin_user, plan):
        from django.contrib import admin

        assert SafetyPlan not in admin.site._registry
        client = Client()
        client.force_login(admin_user)
        assert client.get("/admin/wellbeing/safetyplan/").status_code == 404
        assert client.get(f"/admin/wellbeing/safetyplan/{plan.id}/change/").status_code == 404
        user_page = client.get(f"/admin/accounts/user/{plan.user_id}/change/").content.decode()
        assert PRIVATE not in user_page

    def test_a_member_who_is_deleted_takes_their_plan_with_them(self, member, plan):
        member.delete()
        assert not SafetyPlan.objects.exists()


@pytest.mark.django_db
class TestHelpPanel:
    def post_crisis(self, client, community):
        response = client.post(
            reverse("forums:new-thread", args=[community.slug]), {"title": "Tonight", "body": CRISIS}
        )
        assert response.status_code == 302
        return response["Location"]

    def test_the_writers_own_plan_comes_first_before_the_crisis_lines(self, member_client, community, plan):
        html = member_client.get(self.post_crisis(member_client, community)).content.decode()
        panel = html[html.index('<section class="help-panel"') :]
        assert panel.index("Your safety plan") < panel.index("Samaritans")
        for text in ("A hot shower", PRIVATE, "Biscuit, my dog"):
            assert panel.index(text) < panel.index("Samaritans")
        # Only the key parts are offered in the panel; the rest is a link away.
        assert "I stop answering messages" not in panel
        assert f'<a href="{PLAN_URL}">Your whole safety plan</a>' in panel
        assert "write a safety plan" not in panel

    def test_without_a_plan_a_gentle_link_to_make_one(self, member_client, community):
        html = member_client.get(self.post_crisis(member_client, community)).content.decode()
        assert "Your safety plan" not in html
        assert f'you could <a href="{PLAN_URL}">write a safety plan</a>' in html

    def test_an_empty_plan_is_not_offered(self, member, member_client, community):
        save_safety_plan(member, sections={})
        html = member_client.get(self.post_crisis(member_client, community)).content.decode()
        assert "Your safety plan" not in html
        assert "write a safety plan" in html

    def test_moderators_reading_the_post_never_see_the_plan(self, member_client, moderator_client, community, plan):
        thread_url = self.post_crisis(member_client, community)
        member_client.get(thread_url)
        html = moderator_client.get(thread_url).content.decode()
        assert "Tonight" in html
        assert PRIVATE not in html
        assert "Your safety plan" not in html
        queue = moderator_client.get("/moderation/").content.decode()
        assert PRIVATE not in queue


def test_factory_users_can_have_plans(db):
    user = UserFactory()
    assert save_safety_plan(user, sections={"coping_alone": ["tea"]}).user_id == user.id
