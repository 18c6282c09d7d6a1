"""The authorisation matrix: every page and API operation, for each persona, gets what authorization_matrix says.

The world is built once for the module; each request runs in a savepoint that is rolled back, so a write one
persona is allowed to make (leaving a community, deleting a post) never changes what the next one sees.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from hearth.accounts.blocks import block_member
from hearth.accounts.models import User
from hearth.accounts.services import create_api_token
from hearth.api.api import api
from hearth.chat.services import lobby_for, schedule_session, send_message
from hearth.communities.models import MembershipMode, MembershipRole
from hearth.communities.services import invite_member, join_community
from hearth.core.testing.factories import CommunityFactory, UserFactory, make_member, make_thread, opening_post
from hearth.forums.models import ContentStatus, Thread
from hearth.listeners.models import ListenerProfile, ListenerStatus, TrainingProgress
from hearth.listeners.services import accept_request, end_chat, request_listener
from hearth.moderation.models import ActionKind
from hearth.moderation.reports import report_post
from hearth.moderation.services import log_action
from hearth.notifications.services import notify
from hearth.oncall.models import Alert
from hearth.oncall.services import go_on_duty
from hearth.oncall.tests.helpers import urgent_post
from tests.security import authorization_matrix as matrix
from tests.security.authorization_matrix import ALLOW, DENY, LOGIN, MFA, REDIRECT, Case, Gap

# URL parameter -> the world's key for it, unless a case says otherwise.
WORLD_DEFAULTS = {
    "slug": "community",
    "thread_id": "thread",
    "post_id": "post",
    "item_id": "item",
    "entry_id": "decision",
    "decision_id": "decision",
    "pseudonym": "author_pseudonym",
    "room_id": "lobby",
    "seq": "seq",
    "request_id": "active",
    "invitation_id": "invitation",
    "alert_id": "alert",
    "token_id": "token",
    "kind": "reaction",
    "pk": "missing_id",
    "key": "bad_key",
    "uidb36": "bad_key",
    "object_id": "admin_object",
    "content_type_id": "admin_object",
    "id": "admin_object",
    "app_label": "admin_app",
    "url": "admin_missing",
}
# Pages whose parameters name something else than the default (join requests and training lessons).
PAGE_PARAMS = {
    "communities/requests/<int:request_id>/decide/": {"request_id": "join_request"},
    "listeners/training/<slug:slug>/": {"slug": "lesson"},
}
API_PARAMS = {
    "/api/v1/communities/{slug}/join-requests/{request_id}/approve": {"request_id": "join_request"},
    "/api/v1/communities/{slug}/join-requests/{request_id}/decline": {"request_id": "join_request"},
}

# Marked so that pytest-django creates the test database, which the module's world is built in.
pytestmark = pytest.mark.django_db

SIGN_IN_PATHS = ("/accounts/login/", "/admin/login/")


def _build_world() -> dict[str, Any]:
    a = CommunityFactory(slug="community-a", name="Community A", membership_mode=MembershipMode.REQUEST)
    b = CommunityFactory(slug="community-b", name="Community B")
    u = matrix.USERNAMES
    member = make_member(a, username=u[matrix.MEMBER])
    other_member = make_member(b, username=u[matrix.OTHER_MEMBER])
    blocked = make_member(a, username=u[matrix.BLOCKED])
    listener = UserFactory(username=u[matrix.LISTENER], is_listener=True)
    TrainingProgress.objects.create(user=listener, passed_at=timezone.now(), lessons_read=[])
    ListenerProfile.objects.create(
        user=listener, status=ListenerStatus.AVAILABLE, topics=[], languages=["en"], max_chats=3
    )
    other_moderator = make_member(b, role=MembershipRole.MODERATOR, username=u[matrix.OTHER_MODERATOR])
    moderator = make_member(a, role=MembershipRole.MODERATOR, username=u[matrix.MODERATOR])
    professional = UserFactory(username=u[matrix.PROFESSIONAL], is_professional=True)
    admin = UserFactory(username=u[matrix.ADMIN], is_staff=True, is_superuser=True)

    # `member` wrote the content and blocked `blocked`.
    block_member(member, blocked)
    thread = make_thread(a, author=member, replies=1)
    anonymous_thread = make_thread(a, author=member, title="Can't say this anywhere else", anonymous=True)
    held_thread = make_thread(a, author=member, title="Held for a moderator")
    Thread.objects.filter(id=held_thread.id).update(status=ContentStatus.HELD)
    go_on_duty(moderator, community=a, hours=8)
    held_post, _ = urgent_post(a, author=member)
    report = report_post(blocked, opening_post(thread), reason="spam")
    decision = log_action(moderator, ActionKind.HIDE, target=opening_post(thread), subject=member, reason="Spam")
    notify(member, kind="test", title="Someone replied")
    token, _ = create_api_token(member, name="laptop")

    applicant = UserFactory(username="HopefulWren3")
    join_request = join_community(applicant, a)
    invitation = invite_member(moderator, a, pseudonym=other_member.username)

    lobby = lobby_for(a)
    send_message(member, lobby, body="Hello, everyone.", client_id="matrix-world-1")
    session = schedule_session(moderator, a, title="Evening check-in", opens_at=timezone.now(), minutes=60)
    ended = end_chat(member, accept_request(listener, request_listener(member, topics=[], language="en")))
    waiting = request_listener(other_member, topics=[], language="en")
    active = accept_request(listener, request_listener(member, topics=[], language="en"))

    users: dict[str, User | None] = {
        matrix.ANONYMOUS: None,
        matrix.MEMBER: member,
        matrix.OTHER_MEMBER: other_member,
        matrix.BLOCKED: blocked,
        matrix.LISTENER: listener,
        matrix.OTHER_MODERATOR: other_moderator,
        matrix.MODERATOR: moderator,
        matrix.PROFESSIONAL: professional,
        matrix.ADMIN: admin,
    }
    alert = Alert.objects.filter(recipient=moderator).first()
    assert alert is not None, "the urgent post should have alerted the moderator on call"
    assert report.queue_item is not None
    ids = {
        "community": a.slug,
        "thread": thread.id,
        "anonymous_thread": anonymous_thread.id,
        "held_thread": held_thread.id,
        "post": opening_post(thread).id,
        "anonymous_post": opening_post(anonymous_thread).id,
        "held_post": held_post.id,
        "item": report.queue_item.id,
        "decision": decision.id,
        "author_pseudonym": member.username,
        "lobby": lobby.id,
        "session": session.id,
        "support_room": active.room_id,
        "seq": 1,
        "waiting": waiting.id,
        "active": active.id,
        "ended": ended.id,
        "join_request": join_request.id,
        "invitation": invitation.id,
        "alert": alert.id,
        "token": token.id,
        "reaction": "hug",
        "lesson": "role",
        "missing_id": 999999,
        "bad_key": "not-a-key",
        "admin_object": admin.id,
        "admin_app": "accounts",
        "admin_missing": "no/such/page/",
    }
    # Signed in once: each test's changes (even signing out) are rolled back, the sessions stay.
    sessions: dict[str, str | None] = {matrix.ANONYMOUS: None}
    for persona, user in users.items():
        if user is not None:
            client = Client()
            client.force_login(user)
            sessions[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"users": users, "ids": ids, "sessions": sessions}


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


@pytest.fixture
def rolled_back(world: dict[str, Any], db: None, settings: Any) -> dict[str, Any]:
    """The world, in a transaction rolled back after the test (pytest-django's `db`)."""
    settings.HEARTH_API_RATE_LIMITS = {}
    return world


# --- What exists ---------------------------------------------------------------------------------------------


def _patterns(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        # The API's operations are checked against its schema instead (method and path, not just path).
        elif isinstance(entry, URLPattern) and entry.callback.__module__ != "ninja.operation":
            yield prefix + str(entry.pattern)


def page_patterns() -> set[str]:
    return set(_patterns(get_resolver()))


def api_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {(method, path) for path, methods in schema["paths"].items() for method in methods}


def page_cases(pattern: str) -> tuple[Case, ...]:
    if pattern in matrix.PAGES:
        case = matrix.PAGES[pattern]
    elif pattern.startswith(matrix.ADMIN_SITE_PREFIX):
        case = matrix.admin_site_case(pattern)
    else:
        raise KeyError(pattern)
    return case if isinstance(case, tuple) else (case,)


def api_cases(key: tuple[str, str]) -> tuple[Case, ...]:
    case = matrix.API[key]
    return case if isinstance(case, tuple) else (case,)


def test_the_matrix_lists_every_page():
    listed = set(matrix.PAGES) | set(matrix.ADMIN_SITE_PAGES)
    existing = page_patterns()
    missing = sorted(p for p in existing - listed if not p.startswith(matrix.ADMIN_SITE_PREFIX))
    stale = sorted(listed - existing)
    assert not missing, f"Add these URL patterns to PAGES in tests/security/authorization_matrix.py: {missing}"
    assert not stale, f"These URL patterns no longer exist; remove them from authorization_matrix.py: {stale}"


def test_the_matrix_lists_every_api_operation():
    existing = api_operations()
    missing = sorted(existing - set(matrix.API))
    stale = sorted(set(matrix.API) - existing)
    assert not missing, f"Add these API operations to API in tests/security/authorization_matrix.py: {missing}"
    assert not stale, f"These API operations no longer exist; remove them from authorization_matrix.py: {stale}"


# --- Asking ------------------------------------------------------------------------------------------------


def _fill_pattern(pattern: str, values: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        return str(values[match.group("name")])

    url = re.sub(r"\(\?P<(?P<name>\w+)>[^)]*\)", value, pattern)
    url = re.sub(r"<(?:\w+:)?(?P<name>\w+)>", value, url)
    return "/" + url.replace("^", "").replace("$", "")


def _values(names: set[str], overrides: dict[str, str], ids: dict[str, Any]) -> dict[str, Any]:
    return {name: ids[overrides.get(name, WORLD_DEFAULTS[name])] for name in names}


def outcome_of(response: Any, method: str = "get") -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        return _redirect_outcome(urlparse(response["Location"]).path, method)
    if status == 401:
        return LOGIN
    if status in (403, 404):
        return MFA if b"mfa_required" in response.content[:2000] else DENY
    if status < 300 or status in (400, 409, 422):
        return ALLOW
    return f"unexpected {status}"


def _redirect_outcome(target: str, method: str) -> str:
    if target.startswith(SIGN_IN_PATHS):
        return LOGIN
    if target.startswith(reverse("accounts:mfa-required")):
        return MFA
    # After a write, a redirect is the usual success; a page that redirects was not shown.
    return ALLOW if method != "get" else REDIRECT


def ask(session: str | None, method: str, url: str, body: Any, *, api_call: bool) -> Any:
    client = Client()
    if session is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    if api_call:
        data = "" if body is None else json.dumps(body)
        return getattr(client, method)(url, data=data, content_type="application/json")
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, data=body or {})


def _check(case: Case, persona: str, response: Any, what: str) -> None:
    expected = case.expect[persona]
    actual = outcome_of(response, case.method)
    if isinstance(expected, tuple):
        intended, gap = expected
        if actual == intended:
            pytest.fail(f"{what} as {persona}: the gap is fixed; set the cell back to {intended!r}")
        assert actual == gap.actual, f"{what} as {persona}: got {actual}, the gap said {gap.actual}"
        pytest.xfail(gap.reason)
    assert actual == expected, f"{what} as {persona}: expected {expected}, got {actual} ({response.status_code})"


def _page_params() -> Iterator[Any]:
    for pattern in sorted(page_patterns()):
        try:
            cases = page_cases(pattern)
        except KeyError:
            continue  # test_the_matrix_lists_every_page says what to add
        for index, case in enumerate(cases):
            for persona in matrix.PERSONAS:
                yield pytest.param(pattern, index, persona, id=f"{case.method} /{pattern} {case.label} {persona}")


def _api_params() -> Iterator[Any]:
    for key in sorted(api_operations() & set(matrix.API)):
        for index, case in enumerate(api_cases(key)):
            for persona in matrix.PERSONAS:
                yield pytest.param(key, index, persona, id=f"{key[0]} {key[1]} {case.label} {persona}")


@pytest.mark.parametrize(("pattern", "index", "persona"), list(_page_params()))
def test_each_persona_gets_what_the_matrix_says_of_a_page(rolled_back, pattern, index, persona):
    case = page_cases(pattern)[index]
    names = set(re.findall(r"<(?:\w+:)?(\w+)>", pattern)) | set(re.findall(r"\(\?P<(\w+)>", pattern))
    params = {**PAGE_PARAMS.get(pattern, {}), **case.params}
    url = _fill_pattern(pattern, _values(names, params, rolled_back["ids"]))
    if case.query:
        url += "?" + case.query
    response = ask(rolled_back["sessions"][persona], case.method, url, case.body, api_call=False)
    _check(case, persona, response, f"{case.method.upper()} {url}")


@pytest.mark.parametrize(("key", "index", "persona"), list(_api_params()))
def test_each_persona_gets_what_the_matrix_says_of_an_api_operation(rolled_back, key, index, persona):
    method, path = key
    case = api_cases(key)[index]
    names = set(re.findall(r"\{(\w+)\}", path))
    params = {**API_PARAMS.get(path, {}), **case.params}
    url = path.format(**_values(names, params, rolled_back["ids"]))
    if case.query:
        url += "?" + case.query
    response = ask(rolled_back["sessions"][persona], method, url, case.body, api_call=True)
    _check(case, persona, response, f"{method.upper()} {url}")


def test_a_gap_is_reported_until_it_is_fixed():
    class Response:
        status_code = 200
        content = b""

    case = Case(matrix.rule(matrix.NOBODY, gaps={matrix.MEMBER: Gap(actual=ALLOW, reason="known")}))
    with pytest.raises(pytest.xfail.Exception):
        _check(case, matrix.MEMBER, Response(), "GET /x/")
    Response.status_code = 404
    with pytest.raises(pytest.fail.Exception, match="the gap is fixed"):
        _check(case, matrix.MEMBER, Response(), "GET /x/")


def test_outcomes_are_told_apart():
    """The classifier itself: a refusal is never read as an allowance."""

    class Response(dict[str, str]):
        def __init__(self, status: int, location: str = "", content: bytes = b"") -> None:
            super().__init__(Location=location)
            self.status_code = status
            self.content = content

    assert outcome_of(Response(302, "/accounts/login/?next=/x/")) == LOGIN
    assert outcome_of(Response(302, "/admin/login/?next=/admin/")) == LOGIN
    assert outcome_of(Response(302, "/accounts/2fa/required/?next=/x/")) == MFA
    assert outcome_of(Response(302, "/threads/1/")) == REDIRECT
    assert outcome_of(Response(302, "/threads/1/"), "post") == ALLOW
    assert outcome_of(Response(401)) == LOGIN
    assert outcome_of(Response(403)) == DENY
    assert outcome_of(Response(404)) == DENY
    assert outcome_of(Response(403, content=b'{"code": "mfa_required"}')) == MFA
    assert outcome_of(Response(422)) == ALLOW
    assert outcome_of(Response(500)) == "unexpected 500"
    assert outcome_of(Response(405)) == "unexpected 405"
