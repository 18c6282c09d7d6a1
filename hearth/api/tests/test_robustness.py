"""Garbage in, a 4xx out: never a 500, and every status documented in the OpenAPI schema."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hearth.api.tests.helpers import API, get, post
from hearth.api.tests.schema_check import assert_conforms
from hearth.core.testing.factories import make_thread, opening_post

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
FIELDS = [
    "title", "body", "topics", "anonymous", "kind", "name", "pseudonym", "password", "email", "confirm_age",
    "accept_guidelines", "bio", "show_communities", "hidden_topics", "muted_words", "theme", "text_size",
    "reduce_motion", "up_to",
]  # fmt: skip
# Objects with the real field names get past the first checks and into validation and the services.
payloads = json_values | st.dictionaries(st.sampled_from(FIELDS), json_values | st.text(), max_size=6)


def write_operations(slug: str, thread_id: int, post_id: int) -> list[tuple[str, str]]:
    return [
        ("post", "/accounts/signup"),
        ("patch", "/me/profile"),
        ("patch", "/me/preferences"),
        ("post", "/me/tokens"),
        ("post", f"/communities/{slug}/threads"),
        ("post", f"/communities/{slug}/invitations"),
        ("post", f"/threads/{thread_id}/posts"),
        ("post", f"/threads/{thread_id}/read"),
        ("patch", f"/posts/{post_id}"),
        ("post", f"/posts/{post_id}/reactions"),
    ]


@pytest.fixture
def forum(member, community):
    thread = make_thread(community, author=member, replies=1)
    return community.slug, thread.id, opening_post(thread).id


def send_raw(client: Client, method: str, path: str, body: bytes | str):
    return getattr(client, method)(API + path, data=body, content_type="application/json")


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_random_json_never_breaks_a_write(moderator_client, forum, data):
    method, path = data.draw(st.sampled_from(write_operations(*forum)))
    body = json.dumps(data.draw(payloads))
    response = send_raw(moderator_client, method, path, body)
    assert_conforms(response, method, API + path)


@pytest.mark.django_db
@FUZZ
@given(data=st.data())
def test_random_bytes_never_break_a_write(moderator_client, forum, data):
    method, path = data.draw(st.sampled_from(write_operations(*forum)))
    response = send_raw(moderator_client, method, path, data.draw(st.binary(max_size=60)))
    assert_conforms(response, method, API + path)


@pytest.mark.django_db
@FUZZ
@given(
    segment=st.text(min_size=1, max_size=40).filter(lambda s: s not in {".", ".."}) | st.integers().map(str),
    template=st.sampled_from(
        [
            "/communities/{}",
            "/communities/{}/threads",
            "/communities/{}/join",
            "/members/{}",
            "/threads/{}",
            "/threads/{}/posts",
            "/posts/{}",
            "/posts/{}/revisions",
            "/posts/{}/reactions/{}",
            "/me/tokens/{}",
            "/me/invitations/{}/accept",
            "/communities/anxiety-depression/join-requests/{}/approve",
        ]
    ),
)
def test_random_path_parameters_never_break_a_read_or_write(moderator_client, community, segment, template):
    path = template.replace("{}", quote(segment, safe=""))
    for method in ("get", "post", "delete"):
        response = getattr(moderator_client, method)(API + path)
        assert_conforms(response, method, API + path)


@pytest.mark.django_db
@FUZZ
@given(page=st.text(max_size=30) | st.integers().map(str), q=st.text(max_size=40))
def test_random_query_parameters_never_break_a_read(member_client, forum, page, q):
    slug, thread_id, _ = forum
    for path in (f"/communities/{slug}/threads", f"/threads/{thread_id}", "/search"):
        url = f"{API}{path}?page={quote(page, safe='')}&q={quote(q, safe='')}"
        response = member_client.get(url)
        assert_conforms(response, "get", url)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/threads/99999999999999999999999999",
        "/threads/9223372036854775808",
        "/threads/-1",
        "/threads/0",
        "/posts/18446744073709551616",
        "/me/tokens/99999999999999999999",
        "/communities/%00",
        "/members/%00abc",
    ],
)
def test_out_of_range_and_odd_ids_are_4xx(member_client, path):
    for method in ("get", "delete"):
        response = getattr(member_client, method)(API + path)
        assert 400 <= response.status_code < 500
        assert_conforms(response, method, API + path)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    ["", "{", "null", "[]", '"text"', "1e999", "[" * 5000 + "]" * 5000, '{"title": "\\u0000 nul", "body": "x"}'],
)
def test_odd_bodies_are_4xx(member_client, community, body):
    path = f"/communities/{community.slug}/threads"
    response = send_raw(member_client, "post", path, body)
    assert 400 <= response.status_code < 500
    assert_conforms(response, "post", API + path)


@pytest.mark.django_db
def test_nul_and_lone_surrogates_are_refused_before_the_database(member_client, community):
    path = f"/communities/{community.slug}/threads"
    for text in ("\\u0000", "\\ud800"):
        body = f'{{"title": "Hello there", "body": "a{text}b"}}'
        response = send_raw(member_client, "post", path, body)
        assert response.status_code == 422
    assert get(member_client, "/search?q=ab%00c").status_code == 422


@pytest.mark.django_db
def test_a_wrong_type_is_422_with_the_field_located(member_client, community):
    response = post(member_client, f"/communities/{community.slug}/threads", {"title": 5, "body": ["x"]})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert {tuple(issue["loc"]) for issue in body["detail"]} == {
        ("body", "payload", "title"),
        ("body", "payload", "body"),
    }


@pytest.mark.django_db
def test_an_empty_body_is_422(member_client, community):
    response = send_raw(member_client, "post", f"/communities/{community.slug}/threads", "")
    assert response.status_code == 422
