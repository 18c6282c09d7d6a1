"""Who gets what: every page and API operation, for each of nine personas, as data.

test_authorization_matrix.py builds the world these names refer to (community A with its content, community B,
and the personas) and checks each cell. A page or operation that is added without a row here fails that test.

Outcomes, for one safe request:
- "allow": passed the permission checks: 2xx, after a write a redirect that is not to sign-in or 2FA set-up, or
  a refusal of the (deliberately minimal) input: 400, 409, 422;
- "redirect": a page (GET) that sends this persona elsewhere, not to sign-in;
- "login": sent to sign in: 401, or a redirect to the sign-in page (the admin site's own counts);
- "deny": refused: 403, or 404 (the same answer as for something that does not exist);
- "mfa": sent to set up two-factor authentication (a redirect, or 403 with the code "mfa_required").
A cell that disagrees with the code for a reason not fixed yet is a `Gap`: it names what the code does today and
why that is wrong, and the test reports it as an expected failure until the code is fixed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ANONYMOUS = "anonymous"
MEMBER = "member"  # a member of A; wrote the threads, the held reply and the lobby message; in a 1:1 chat
OTHER_MEMBER = "member_of_b"  # a member of B only; has a waiting request for a listener and an invitation to A
BLOCKED = "blocked"  # a member of A whom `member` blocked
LISTENER = "listener"  # trained and available; the listener in `member`'s 1:1 chat
OTHER_MODERATOR = "moderator_of_b"
MODERATOR = "moderator"  # of A, on call for A
PROFESSIONAL = "professional"
ADMIN = "admin"

# Pseudonyms, so that bodies can name people.
USERNAMES = {
    MEMBER: "QuietHeron42",
    OTHER_MEMBER: "BraveOtter17",
    BLOCKED: "RestlessCrow8",
    LISTENER: "GentleOwl55",
    OTHER_MODERATOR: "KindBadger20",
    MODERATOR: "SteadyLantern7",
    PROFESSIONAL: "CalmCedar31",
    ADMIN: "CalmHarbour1",
}

PERSONAS = (ANONYMOUS, MEMBER, OTHER_MEMBER, BLOCKED, LISTENER, OTHER_MODERATOR, MODERATOR, PROFESSIONAL, ADMIN)
ALLOW, LOGIN, DENY, REDIRECT, MFA = "allow", "login", "deny", "redirect", "mfa"

SIGNED_IN = frozenset(PERSONAS) - {ANONYMOUS}
EVERYONE = frozenset(PERSONAS)
NOBODY: frozenset[str] = frozenset()
# Community A takes members by request, so only its members, its moderators and the admins read it.
A_MEMBERS = frozenset({MEMBER, BLOCKED, MODERATOR})
A_READERS = A_MEMBERS | {ADMIN}
A_MODERATORS = frozenset({MODERATOR, ADMIN})
MODERATORS_ANYWHERE = frozenset({MODERATOR, OTHER_MODERATOR, ADMIN})
# Staff roles need two-factor authentication, so the world gives them an authenticator app; members have none.
WITH_2FA = frozenset({OTHER_MODERATOR, MODERATOR, PROFESSIONAL, ADMIN})
NON_STAFF = SIGNED_IN - WITH_2FA


@dataclass(frozen=True)
class Gap:
    """A known disagreement: the code answers `actual` where the matrix expects otherwise, for `reason`."""

    actual: str
    reason: str


Outcome = str | tuple[str, Gap]


@dataclass(frozen=True)
class Case:
    """One request to a page or operation, and what each persona gets.

    `params` maps a URL parameter to a key of the world (test_authorization_matrix.WORLD_DEFAULTS has the
    defaults); `body` is the form (pages) or JSON (API) sent with unsafe methods; `query` is a query string."""

    expect: dict[str, Outcome]
    method: str = "get"
    params: dict[str, str] = field(default_factory=dict)
    body: Any = None
    query: str = ""
    label: str = ""


def rule(
    allow: frozenset[str],
    *,
    signed_out: str = LOGIN,
    others: str = DENY,
    allowed: str = ALLOW,
    gaps: dict[str, Gap] | None = None,
    **outcomes: str,
) -> dict[str, Outcome]:
    """`allow` get in (or get `allowed`); the signed-out visitor is sent to sign in; everyone else is refused.
    Keyword arguments set single personas; `gaps` marks cells where the code is known to be wrong."""
    expected: dict[str, Outcome] = {}
    for persona in PERSONAS:
        if persona in outcomes:
            expected[persona] = outcomes[persona]
        elif persona in allow:
            expected[persona] = allowed
        elif persona == ANONYMOUS:
            expected[persona] = signed_out
        else:
            expected[persona] = others
    for persona, gap in (gaps or {}).items():
        assert isinstance(expected[persona], str)
        expected[persona] = (str(expected[persona]), gap)
    return expected


def get(allow: frozenset[str], **kw: Any) -> Case:
    return Case(rule(allow, **{k: v for k, v in kw.items() if k not in Case.__dataclass_fields__}), **_case(kw))


def send(method: str, allow: frozenset[str], body: Any = None, **kw: Any) -> Case:
    expect = rule(allow, **{k: v for k, v in kw.items() if k not in Case.__dataclass_fields__})
    return Case(expect, method=method, body=body, **_case(kw))


def _case(kw: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in kw.items() if k in Case.__dataclass_fields__}


PUBLIC = get(EVERYONE)
ANY_SIGNED_IN = get(SIGNED_IN)


# --- Pages: Django URL patterns, by their full pattern ------------------------------------------------------

PAGES: dict[str, Case | tuple[Case, ...]] = {
    "": PUBLIC,
    "healthz": PUBLIC,
    # Prometheus's scrape: a 404 for everyone unless HEARTH_METRICS_TOKEN or _ALLOWED_IPS is set (unset here);
    # hearth/core/tests/test_metrics.py checks the token and the address list.
    "metrics": get(NOBODY, signed_out=DENY),
    "guidelines/": PUBLIC,
    "help/": PUBLIC,
    # Accounts: Hearth's own pages (and allauth's signup, sessions and address book, which they shadow).
    # Signed-in people are sent on from the sign-up and sign-in pages.
    "accounts/signup/": get(NOBODY, signed_out=ALLOW, others=REDIRECT),
    "accounts/email/": get(NOBODY, signed_out=DENY),  # not offered to anyone
    "accounts/preferences/": ANY_SIGNED_IN,
    "accounts/profile/": ANY_SIGNED_IN,
    "accounts/tokens/": ANY_SIGNED_IN,
    "accounts/sessions/": ANY_SIGNED_IN,
    # The page explains 2FA to everyone, with 403 to those whose sign-in lacks it.
    "accounts/2fa/required/": get(WITH_2FA),
    "accounts/data/": ANY_SIGNED_IN,
    "accounts/data/export/": send("post", SIGNED_IN),  # POST only, so no link elsewhere starts a download
    "accounts/data/delete/": send("post", SIGNED_IN),
    # Accounts: allauth's sign-in, password and two-factor pages.
    "accounts/login/": get(NOBODY, signed_out=ALLOW, others=REDIRECT),
    "accounts/logout/": get(SIGNED_IN, signed_out=REDIRECT),
    "accounts/inactive/": PUBLIC,
    "accounts/reauthenticate/": ANY_SIGNED_IN,
    "accounts/confirm-email/": PUBLIC,
    "accounts/password/change/": ANY_SIGNED_IN,
    "accounts/password/set/": get(NOBODY, others=REDIRECT),  # everyone in the world has a password to change
    "accounts/password/reset/": PUBLIC,
    "accounts/password/reset/done/": PUBLIC,
    "accounts/password/reset/key/done/": PUBLIC,
    # Steps of a sign-in in progress: without one pending, the visitor is sent back to sign in, and signed-in
    # people on.
    "accounts/login/code/confirm/": get(NOBODY, others=REDIRECT),
    "accounts/2fa/authenticate/": get(NOBODY, others=REDIRECT),
    "accounts/2fa/webauthn/login/": get(NOBODY, others=REDIRECT),
    # Asked with a made-up key: the page says the link is not valid.
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": PUBLIC,
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": PUBLIC,
    "accounts/2fa/": ANY_SIGNED_IN,
    # Changing two-factor settings first asks to confirm the sign-in (allauth's reauthentication), so each of
    # these sends the person on; confirming with an app is offered to those who have one.
    "accounts/2fa/reauthenticate/": get(WITH_2FA, others=REDIRECT),
    "accounts/2fa/totp/activate/": get(NOBODY, others=REDIRECT),
    "accounts/2fa/totp/deactivate/": get(NOBODY, others=REDIRECT, **dict.fromkeys(NON_STAFF, DENY)),
    # 404 without recovery codes, and nobody in the world has generated any.
    "accounts/2fa/recovery-codes/": get(NOBODY),
    "accounts/2fa/recovery-codes/generate/": get(NOBODY, others=REDIRECT),
    "accounts/2fa/recovery-codes/download/": get(NOBODY),
    "accounts/2fa/webauthn/": ANY_SIGNED_IN,
    "accounts/2fa/webauthn/add/": get(NOBODY, others=REDIRECT),
    "accounts/2fa/webauthn/reauthenticate/": get(NOBODY, others=REDIRECT),
    "accounts/2fa/webauthn/keys/<int:pk>/remove/": get(NOBODY, others=REDIRECT),
    "accounts/2fa/webauthn/keys/<int:pk>/edit/": get(NOBODY, others=REDIRECT),
    # Profiles are for signed-in people.
    "members/<str:pseudonym>/": ANY_SIGNED_IN,
    # Communities: the directory and each community's page are public; A's threads are for its readers.
    "communities/": PUBLIC,
    "communities/<slug:slug>/": PUBLIC,
    "communities/<slug:slug>/join/": send("post", SIGNED_IN),
    "communities/<slug:slug>/leave/": send("post", SIGNED_IN),
    "communities/<slug:slug>/withdraw/": send("post", SIGNED_IN),
    "communities/<slug:slug>/manage/": get(A_MODERATORS),
    "communities/requests/<int:request_id>/decide/": send("post", A_MODERATORS, {"decision": "approve"}),
    "communities/invitations/<int:invitation_id>/respond/": send("post", {OTHER_MEMBER}, {"decision": "decline"}),
    # Forums.
    "communities/<slug:slug>/new/": get(A_MEMBERS | {ADMIN}),
    "threads/<int:thread_id>/": (
        get(A_READERS, label="signed"),
        get(A_READERS, params={"thread_id": "anonymous_thread"}, label="anonymous"),
        get({MEMBER, MODERATOR, ADMIN}, params={"thread_id": "held_thread"}, label="held"),
    ),
    "threads/<int:thread_id>/reply/": (
        send("post", A_MEMBERS - {BLOCKED} | {ADMIN}, {"body": "Thinking of you."}, label="signed"),
        send(
            "post", A_READERS, {"body": "Thinking of you."}, params={"thread_id": "anonymous_thread"}, label="anonymous"
        ),
    ),
    "posts/<int:post_id>/": (
        get(A_READERS, allowed=REDIRECT, label="published"),  # on to the post's place in its thread
        get({MEMBER, MODERATOR, ADMIN}, allowed=REDIRECT, params={"post_id": "held_post"}, label="held"),
    ),
    "posts/<int:post_id>/edit/": get({MEMBER}),
    "posts/<int:post_id>/delete/": get({MEMBER} | A_MODERATORS),
    "posts/<int:post_id>/react/": send("post", A_MEMBERS - {BLOCKED} | {ADMIN}, {"kind": "hug"}),
    "posts/<int:post_id>/history/": get({MEMBER} | A_MODERATORS),
    "search/": get(SIGNED_IN, query="q=sleep"),
    # Moderation: the queue is for moderators anywhere; A's items for A's moderators.
    "moderation/": get(MODERATORS_ANYWHERE),
    "moderation/items/<int:item_id>/": get(A_MODERATORS),
    "moderation/items/<int:item_id>/author/": send("post", A_MODERATORS, {"reason": "A crisis report"}),
    "moderation/posts/<int:post_id>/author/": get(A_MODERATORS, params={"post_id": "anonymous_post"}),
    "moderation/decisions/": ANY_SIGNED_IN,
    "moderation/decisions/<int:entry_id>/appeal/": get({MEMBER}),
    "moderation/report/post/<int:post_id>/": get(A_READERS - {MEMBER}, member=ALLOW),
    "moderation/report/member/<str:pseudonym>/": ANY_SIGNED_IN,
    "moderation/block/<str:pseudonym>/": send("post", SIGNED_IN, {"kind": "mute"}),
    # Chat.
    "chat/": ANY_SIGNED_IN,
    "chat/communities/<slug:slug>/": get(A_READERS, allowed=REDIRECT),  # on to the lobby's room
    "chat/communities/<slug:slug>/sessions/": get(A_READERS),
    "chat/rooms/<int:room_id>/": (
        get(A_READERS, label="lobby"),
        get(A_READERS, params={"room_id": "session"}, label="session"),
        get({MEMBER, LISTENER}, params={"room_id": "support_room"}, label="support"),
    ),
    "chat/rooms/<int:room_id>/send/": (
        send("post", A_READERS, {"body": "Hello", "client_id": "matrix-1"}, label="lobby"),
        send(
            "post",
            {MEMBER, LISTENER},
            {"body": "Hello", "client_id": "matrix-2"},
            params={"room_id": "support_room"},
            label="support",
        ),
    ),
    # On to the message's place in the room. A block hides the blocked person's messages from the blocker, not
    # the other way round; replying and reacting are what a block stops.
    "chat/rooms/<int:room_id>/messages/<int:seq>/": get(A_READERS, allowed=REDIRECT),
    "chat/rooms/<int:room_id>/messages/<int:seq>/react/": send("post", A_READERS - {BLOCKED}, {"kind": "hug"}),
    # Authors take back their own messages; moderators hide messages through the queue instead.
    "chat/rooms/<int:room_id>/messages/<int:seq>/delete/": send("post", {MEMBER}),
    # Anyone who may see a message may report it (its author is told they can delete it instead).
    "chat/rooms/<int:room_id>/messages/<int:seq>/report/": get(A_READERS),
    # Listeners.
    "listeners/": get(SIGNED_IN, member=REDIRECT),  # on to the open 1:1 chat, for whoever has one
    "listeners/status.json": ANY_SIGNED_IN,
    "listeners/requests/<int:request_id>/cancel/": send("post", {OTHER_MEMBER}, params={"request_id": "waiting"}),
    "listeners/requests/<int:request_id>/accept/": send("post", {LISTENER}, params={"request_id": "waiting"}),
    "listeners/requests/<int:request_id>/end/": send("post", {MEMBER, LISTENER}),
    "listeners/requests/<int:request_id>/rate/": send(
        "post", {MEMBER}, {"rating": "5"}, params={"request_id": "ended"}
    ),
    "listeners/requests/<int:request_id>/hand-over/": send("post", {LISTENER}, {"reason": "Needs more help"}),
    "listeners/listening/": get({LISTENER}, others=REDIRECT),  # others are sent to the training
    "listeners/training/": ANY_SIGNED_IN,
    "listeners/training/quiz/": ANY_SIGNED_IN,
    "listeners/training/<slug:slug>/": ANY_SIGNED_IN,
    "notifications/": ANY_SIGNED_IN,
    # On call: moderators only; an alert is its recipient's.
    "on-call/": get(MODERATORS_ANYWHERE),
    "on-call/alerts/<int:alert_id>/acknowledge/": send("post", {MODERATOR}),
    "safety-plan/": ANY_SIGNED_IN,
    "safety-plan/print/": ANY_SIGNED_IN,
    # The API's own pages: its description is public, like the API's public reads.
    "api/v1/openapi.json": PUBLIC,
    "api/v1/docs": PUBLIC,
    "api/v1/": get(NOBODY, signed_out=DENY),  # no page at the root
}

# Every page of the admin site asks one question (an active staff account that passed 2FA), so one rule covers
# them all; the admin site's sign-in page is sent on to Hearth's.
ADMIN_SITE_PREFIX = "admin/"
ADMIN_SITE = get(frozenset({ADMIN}), others=LOGIN)
# Object pages are asked with the admin's own user id, which other models don't have: the admin site then sends
# the admin back to the model's list (and an object's bare address on to its change page).
ADMIN_SITE_OBJECT = get(NOBODY, others=LOGIN, admin=REDIRECT)
ADMIN_SITE_PAGES: dict[str, Case] = {
    # Signed-in admins are sent to the 2FA page (which lets a verified sign-in through); others are refused.
    "admin/login/": get(NOBODY, admin=MFA),
    # Read-only models, and views that need a field, an object with a public page or a real app to answer.
    "admin/autocomplete/": get(NOBODY, others=LOGIN, admin=DENY),
    "admin/axes/accessattempt/add/": get(NOBODY, others=LOGIN, admin=DENY),
    "admin/axes/accesslog/add/": get(NOBODY, others=LOGIN, admin=DENY),
    "admin/axes/accessfailurelog/add/": get(NOBODY, others=LOGIN, admin=DENY),
    "admin/r/<path:content_type_id>/<path:object_id>/": get(NOBODY, others=LOGIN, admin=DENY),
    "admin/logout/": send("post", EVERYONE),
    # An admin asking for a page that doesn't exist gets a 404; everyone else is sent to sign in first.
    "admin/(?P<url>.*)$": get(NOBODY, others=LOGIN, admin=DENY),
    "admin/accounts/user/<path:object_id>/change/": ADMIN_SITE,
    "admin/accounts/user/<path:object_id>/delete/": ADMIN_SITE,
    "admin/accounts/user/<path:object_id>/history/": ADMIN_SITE,
}


def admin_site_case(pattern: str) -> Case:
    if pattern in ADMIN_SITE_PAGES:
        return ADMIN_SITE_PAGES[pattern]
    return ADMIN_SITE_OBJECT if "<path:object_id>" in pattern else ADMIN_SITE


# --- The JSON API: every operation in the OpenAPI schema ---------------------------------------------------

API_PUBLIC = get(EVERYONE)
SAFETY_PLAN_SECTIONS = (
    "warning_signs",
    "coping_alone",
    "distractions",
    "people_to_ask",
    "professionals",
    "safer_surroundings",
    "reasons_for_living",
)
API_SIGNED_IN = get(SIGNED_IN)

API: dict[tuple[str, str], Case | tuple[Case, ...]] = {
    ("post", "/api/v1/accounts/signup"): send("post", EVERYONE, {"pseudonym": "", "password": ""}),
    ("get", "/api/v1/accounts/pseudonym-suggestions"): API_PUBLIC,
    ("get", "/api/v1/me"): API_SIGNED_IN,
    ("patch", "/api/v1/me/profile"): send("patch", SIGNED_IN, {}),
    ("patch", "/api/v1/me/preferences"): send("patch", SIGNED_IN, {}),
    ("get", "/api/v1/me/tokens"): API_SIGNED_IN,
    ("post", "/api/v1/me/tokens"): send("post", SIGNED_IN, {"name": "matrix"}),
    ("delete", "/api/v1/me/tokens/{token_id}"): send("delete", {MEMBER}),
    ("get", "/api/v1/members/{pseudonym}"): API_SIGNED_IN,
    ("get", "/api/v1/communities"): API_PUBLIC,
    ("get", "/api/v1/communities/{slug}"): API_PUBLIC,
    ("post", "/api/v1/communities/{slug}/join"): send("post", SIGNED_IN),
    ("post", "/api/v1/communities/{slug}/leave"): send("post", SIGNED_IN),
    ("post", "/api/v1/communities/{slug}/withdraw-request"): send("post", SIGNED_IN),
    ("get", "/api/v1/communities/{slug}/join-requests"): get(A_MODERATORS),
    ("post", "/api/v1/communities/{slug}/join-requests/{request_id}/approve"): send("post", A_MODERATORS),
    ("post", "/api/v1/communities/{slug}/join-requests/{request_id}/decline"): send("post", A_MODERATORS),
    ("post", "/api/v1/communities/{slug}/invitations"): send(
        "post", A_MODERATORS, {"pseudonym": USERNAMES[PROFESSIONAL]}
    ),
    ("get", "/api/v1/me/invitations"): API_SIGNED_IN,
    ("post", "/api/v1/me/invitations/{invitation_id}/accept"): send("post", {OTHER_MEMBER}),
    ("post", "/api/v1/me/invitations/{invitation_id}/decline"): send("post", {OTHER_MEMBER}),
    ("get", "/api/v1/communities/{slug}/threads"): get(A_READERS),
    ("post", "/api/v1/communities/{slug}/threads"): send(
        "post", A_MEMBERS | {ADMIN}, {"title": "Evenings", "body": "Evenings are the hardest for me."}
    ),
    ("get", "/api/v1/threads/{thread_id}"): (
        get(A_READERS, label="signed"),
        get({MEMBER, MODERATOR, ADMIN}, params={"thread_id": "held_thread"}, label="held"),
    ),
    ("post", "/api/v1/threads/{thread_id}/read"): send("post", A_READERS, {}),
    ("post", "/api/v1/threads/{thread_id}/posts"): (
        send("post", A_MEMBERS - {BLOCKED} | {ADMIN}, {"body": "Thinking of you."}, label="signed"),
        send("post", A_READERS, {"body": "Thinking of you."}, params={"thread_id": "anonymous_thread"}, label="anon"),
    ),
    ("get", "/api/v1/posts/{post_id}"): (
        get(A_READERS, label="published"),
        get({MEMBER, MODERATOR, ADMIN}, params={"post_id": "held_post"}, label="held"),
    ),
    ("patch", "/api/v1/posts/{post_id}"): send("patch", {MEMBER}, {}),
    ("delete", "/api/v1/posts/{post_id}"): send("delete", {MEMBER} | A_MODERATORS),
    ("get", "/api/v1/posts/{post_id}/revisions"): get({MEMBER} | A_MODERATORS),
    ("post", "/api/v1/posts/{post_id}/reactions"): send("post", A_MEMBERS - {BLOCKED} | {ADMIN}, {"kind": "hug"}),
    # Taking back one's own reaction needs no permission beyond reading the post.
    ("delete", "/api/v1/posts/{post_id}/reactions/{kind}"): send("delete", A_READERS),
    ("get", "/api/v1/search"): get(SIGNED_IN, query="q=sleep"),
    ("get", "/api/v1/me/on-call"): get(MODERATORS_ANYWHERE),
    ("put", "/api/v1/me/on-call"): send("put", MODERATORS_ANYWHERE, {"on_duty": True, "hours": 2}),
    ("get", "/api/v1/me/on-call/alerts"): get(MODERATORS_ANYWHERE),
    ("post", "/api/v1/me/on-call/alerts/{alert_id}/acknowledge"): send("post", {MODERATOR}),
    ("post", "/api/v1/posts/{post_id}/reports"): send("post", A_READERS, {"reason": "spam"}),
    ("post", "/api/v1/chat/rooms/{room_id}/messages/{seq}/reports"): send("post", A_READERS, {"reason": "spam"}),
    ("post", "/api/v1/members/{pseudonym}/reports"): send("post", SIGNED_IN, {"reason": "spam"}),
    ("put", "/api/v1/members/{pseudonym}/block"): send("put", SIGNED_IN, {"kind": "mute"}),
    ("delete", "/api/v1/members/{pseudonym}/block"): send("delete", SIGNED_IN),
    ("get", "/api/v1/me/decisions"): API_SIGNED_IN,
    ("post", "/api/v1/me/decisions/{decision_id}/appeal"): send("post", {MEMBER}, {"statement": "Please look again."}),
    ("get", "/api/v1/moderation/queue"): get(MODERATORS_ANYWHERE),
    ("post", "/api/v1/moderation/items/{item_id}/actions"): send("post", A_MODERATORS, {"action": "claim"}),
    ("post", "/api/v1/posts/{post_id}/author-reveals"): send(
        "post", A_MODERATORS, {"reason": "A crisis report"}, params={"post_id": "anonymous_post"}
    ),
    ("get", "/api/v1/me/safety-plan"): API_SIGNED_IN,
    ("put", "/api/v1/me/safety-plan"): send(
        "put",
        SIGNED_IN,
        {section: [] for section in SAFETY_PLAN_SECTIONS},
    ),
    ("get", "/api/v1/me/export"): API_SIGNED_IN,
    ("get", "/api/v1/me/erasure"): API_SIGNED_IN,
    ("post", "/api/v1/me/erasure"): send("post", SIGNED_IN, {"password": "wrong", "choice": "delete"}),
    # Chat.
    ("get", "/api/v1/communities/{slug}/chat"): get(A_READERS),
    ("get", "/api/v1/communities/{slug}/sessions"): get(A_READERS),
    ("post", "/api/v1/communities/{slug}/sessions"): send(
        "post", A_MODERATORS, {"title": "Evening check-in", "opens_at": "2099-01-01T18:00:00Z", "minutes": 60}
    ),
    ("get", "/api/v1/chat/rooms/{room_id}"): (
        get(A_READERS, label="lobby"),
        get({MEMBER, LISTENER}, params={"room_id": "support_room"}, label="support"),
    ),
    ("get", "/api/v1/chat/rooms/{room_id}/messages"): (
        get(A_READERS, label="lobby"),
        get({MEMBER, LISTENER}, params={"room_id": "support_room"}, label="support"),
    ),
    ("post", "/api/v1/chat/rooms/{room_id}/messages"): (
        send("post", A_READERS, {"body": "Hello", "client_id": "matrix-1"}, label="lobby"),
        send(
            "post",
            {MEMBER, LISTENER},
            {"body": "Hello", "client_id": "matrix-2"},
            params={"room_id": "support_room"},
            label="support",
        ),
    ),
    ("post", "/api/v1/chat/rooms/{room_id}/messages/{seq}/reactions"): send(
        "post", A_READERS - {BLOCKED}, {"kind": "hug"}
    ),
    ("delete", "/api/v1/chat/rooms/{room_id}/messages/{seq}"): send("delete", {MEMBER}),
    # 1:1 support.
    ("post", "/api/v1/support/requests"): send("post", SIGNED_IN, {"topics": [], "language": "en"}),
    # 404 says "no open request": only these two have one.
    ("get", "/api/v1/support/requests/current"): get({MEMBER, OTHER_MEMBER}),
    ("post", "/api/v1/support/requests/{request_id}/cancel"): send(
        "post", {OTHER_MEMBER}, params={"request_id": "waiting"}
    ),
    ("post", "/api/v1/support/requests/{request_id}/accept"): send(
        "post", {LISTENER}, params={"request_id": "waiting"}
    ),
    ("post", "/api/v1/support/requests/{request_id}/end"): send("post", {MEMBER, LISTENER}),
    ("post", "/api/v1/support/requests/{request_id}/rating"): send(
        "post", {MEMBER}, {"rating": 5}, params={"request_id": "ended"}
    ),
    ("post", "/api/v1/support/requests/{request_id}/hand-over"): send(
        "post", {LISTENER}, {"reason": "Needs more help"}
    ),
    ("get", "/api/v1/listener/queue"): get({LISTENER}),
    ("put", "/api/v1/listener/availability"): send("put", {LISTENER}, {"status": "away", "languages": ["en"]}),
    ("get", "/api/v1/listener/training"): API_SIGNED_IN,
    ("post", "/api/v1/listener/training/quiz"): send("post", SIGNED_IN, {"answers": {}}),
}
