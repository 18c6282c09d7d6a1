"""GET/PUT /api/v1/me/safety-plan: the caller's own plan, by token or by session with CSRF."""

from __future__ import annotations

import json
import logging

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hearth.accounts.services import create_api_token
from hearth.api.tests.helpers import API, bearer, get, send
from hearth.api.tests.schema_check import assert_conforms, schema
from hearth.wellbeing.models import SafetyPlan
from hearth.wellbeing.sections import SECTION_KEYS
from hearth.wellbeing.services import save_safety_plan

PATH = "/me/safety-plan"
PRIVATE = "Aunt Rosalind on 07700 900456"


def body(**sections: list[str]) -> dict[str, list[str]]:
    return {key: sections.get(key, []) for key in SECTION_KEYS}


def put(client: Client, data, **extra):
    return send(client, "put", PATH, data, **extra)


@pytest.fixture
def member_token(member):
    _, secret = create_api_token(member, name="phone")
    return secret


@pytest.fixture
def plan(member):
    return save_safety_plan(member, sections={"people_to_ask": [PRIVATE], "coping_alone": ["A hot shower"]})


@pytest.mark.django_db
class TestGet:
    def test_before_saving_it_is_empty_with_suggested_lines(self, member_client):
        response = get(member_client, PATH, HTTP_ACCEPT_LANGUAGE="en-GB")
        assert response.status_code == 200
        data = response.json()
        assert data["exists"] is False
        assert data["updated_at"] is None
        assert data["sections"] == body()
        assert data["suggested_professionals"][0].startswith("Samaritans: 116 123")
        assert not SafetyPlan.objects.exists()

    def test_it_returns_the_plan_by_token(self, member_token, plan):
        response = get(Client(), PATH, **bearer(member_token))
        assert response.status_code == 200
        data = response.json()
        assert data["exists"] is True
        assert data["updated_at"]
        assert data["sections"]["people_to_ask"] == [PRIVATE]
        assert data["sections"]["warning_signs"] == []

    def test_without_credentials_it_is_401(self, client, plan):
        response = get(client, PATH)
        assert response.status_code == 401
        assert PRIVATE not in response.content.decode()

    def test_its_query_count_does_not_grow_with_the_plan(self, member, member_client, django_assert_num_queries):
        # * session, * user, * the plan
        with django_assert_num_queries(3):
            get(member_client, PATH)
        save_safety_plan(member, sections={key: [f"item {i}" for i in range(10)] for key in SECTION_KEYS})
        with django_assert_num_queries(3):
            get(member_client, PATH)


@pytest.mark.django_db
class TestPut:
    def test_it_saves_and_returns_the_plan(self, member, member_token):
        data = body(coping_alone=["  A hot   shower ", ""], reasons_for_living=["Biscuit"])
        response = put(Client(), data, **bearer(member_token))
        assert response.status_code == 200, response.content
        assert response.json()["exists"] is True
        assert response.json()["sections"]["coping_alone"] == ["A hot shower"]
        assert SafetyPlan.objects.get(user=member).items("reasons_for_living") == ["Biscuit"]

    def test_it_replaces_the_whole_plan(self, member, member_client, plan):
        assert put(member_client, body(coping_alone=["Tea"])).status_code == 200
        saved = SafetyPlan.objects.get(user=member)
        assert saved.items("coping_alone") == ["Tea"]
        assert saved.items("people_to_ask") == []

    def test_a_missing_part_is_422_so_a_plan_is_never_emptied_by_accident(self, member, member_client, plan):
        response = put(member_client, {"coping_alone": ["Tea"]})
        assert response.status_code == 422
        assert SafetyPlan.objects.get(user=member).items("people_to_ask") == [PRIVATE]

    def test_an_unknown_part_is_422(self, member_client):
        response = put(member_client, {**body(), "copin_alone": ["Tea"]})
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "payload", "copin_alone"]

    @pytest.mark.parametrize("items", [["x"] * 11, ["x" * 301]], ids=["count", "length"])
    def test_the_limits_are_422_without_echoing_the_text(self, member_client, items):
        response = put(member_client, body(people_to_ask=items))
        assert response.status_code == 422
        assert "x" * 301 not in response.content.decode()
        assert not SafetyPlan.objects.exists()

    def test_nul_characters_are_refused(self, member_client):
        assert put(member_client, body(coping_alone=["tea\x00"])).status_code == 422

    def test_a_session_write_needs_the_csrf_token(self, csrf_client_for, member):
        client = csrf_client_for(member)
        response = put(client, body(coping_alone=["Tea"]))
        assert response.status_code == 403
        assert response.json()["code"] == "csrf_failed"
        token = _get_new_csrf_string()
        client.cookies["csrftoken"] = token
        assert put(client, body(coping_alone=["Tea"]), HTTP_X_CSRFTOKEN=token).status_code == 200
        assert SafetyPlan.objects.get(user=member).items("coping_alone") == ["Tea"]

    def test_without_credentials_it_is_401_and_saves_nothing(self, client):
        assert put(client, body(coping_alone=["Tea"])).status_code == 401
        assert not SafetyPlan.objects.exists()

    def test_the_text_is_never_logged(self, member_client, caplog):
        caplog.set_level(logging.DEBUG)
        put(member_client, body(people_to_ask=[PRIVATE]))
        put(member_client, body(people_to_ask=[PRIVATE] * 11))
        assert "Rosalind" not in caplog.text


@pytest.mark.django_db
class TestNobodyElseCanSeeIt:
    @pytest.mark.parametrize(
        "persona", ["other_member", "outsider", "moderator", "global_moderator", "admin_user"], ids=str
    )
    def test_others_by_session_or_token_get_only_their_own_plan(self, request, member, plan, persona):
        user = request.getfixturevalue(persona)
        _, secret = create_api_token(user, name="laptop")
        session = Client()
        session.force_login(user)
        for client, extra in ((session, {}), (Client(), bearer(secret))):
            response = get(client, PATH, **extra)
            assert response.status_code == 200
            assert response.json()["exists"] is False
            assert PRIVATE not in response.content.decode()
        # Writing changes their own plan, never the member's.
        assert put(Client(), body(coping_alone=["Theirs"]), **bearer(secret)).status_code == 200
        assert SafetyPlan.objects.get(user=member).items("people_to_ask") == [PRIVATE]

    def test_there_is_no_path_for_someone_elses_plan(self, member_client, member, plan):
        for path in (f"/members/{member.username}/safety-plan", f"/safety-plans/{plan.id}", f"{PATH}/{plan.id}"):
            response = get(member_client, path)
            assert response.status_code == 404
            assert PRIVATE not in response.content.decode()


class TestOpenApi:
    def test_both_operations_are_documented_with_their_errors(self):
        operations = schema()["paths"][API + PATH]
        assert {int(code) for code in operations["get"]["responses"]} == {200, 401}
        assert {int(code) for code in operations["put"]["responses"]} == {200, 400, 401, 403, 422}
        for operation in operations.values():
            assert {"SessionAuth": []} in operation["security"]
            assert {"ApiTokenAuth": []} in operation["security"]

    def test_the_limits_are_in_the_schema(self):
        component = schema()["components"]["schemas"]["SafetyPlanIn"]
        assert set(component["required"]) == set(SECTION_KEYS)
        assert component["additionalProperties"] is False
        part = component["properties"]["people_to_ask"]
        assert part["maxItems"] == 10
        assert part["items"]["maxLength"] == 300


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=12) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
payloads = json_values | st.dictionaries(st.sampled_from(SECTION_KEYS), json_values, max_size=7)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=payloads)
def test_random_bodies_never_break_the_write(member_client, data):
    response = put(member_client, data)
    assert_conforms(response, "put", API + PATH)
    if response.status_code == 200:
        assert json.loads(response.content)["exists"] is True
