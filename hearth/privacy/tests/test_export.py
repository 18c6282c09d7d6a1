"""The export: every kind of the member's data, nothing of anyone else's, in a fixed number of queries."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hearth.accounts.services import create_api_token
from hearth.api.tests.helpers import bearer, get
from hearth.core.testing.factories import make_member
from hearth.privacy.export import build_export
from hearth.privacy.tests.data import populate

pytestmark = pytest.mark.django_db

FILES = {
    "profile.json",
    "memberships.json",
    "threads.json",
    "posts.json",
    "reactions.json",
    "reports.json",
    "blocks.json",
    "notifications.json",
    "wellbeing.json",
    "chat_messages.json",
    "listener.json",
    "support_requests.json",
    "moderation.json",
    "api_tokens.json",
    "security.json",
    "index.html",
}


def open_zip(data: bytes) -> dict[str, object]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {
            name: archive.read(name).decode() if name.endswith(".html") else json.loads(archive.read(name))
            for name in archive.namelist()
        }


def export_of(user) -> dict[str, object]:
    with build_export(user) as out:
        return open_zip(out.read())


@pytest.fixture
def written(member, other_member, community):
    theirs = populate(other_member, member, community, tag="Zebrafinch")
    mine = populate(member, other_member, community, tag="Kingfisher")
    return mine, theirs


def test_the_export_holds_every_kind_of_the_members_data(written, other_member):
    mine, _ = written
    files = export_of(mine.user)
    assert set(files) == FILES

    profile = files["profile.json"]
    assert profile["pseudonym"] == mine.user.username
    assert profile["email_for_account_recovery"] == mine.email
    assert profile["email_addresses"] == [{"email": mine.email, "primary": True, "verified": True}]
    assert "Kingfisher" in profile["bio"]
    assert profile["preferences"]["muted_words"] == ["muteKingfisher"]
    assert profile["preferences"]["theme"] == "dark"

    assert [c["community_slug"] for c in files["memberships.json"]["communities"]] == ["anxiety-depression"]
    titles = {t["title"]: t["is_anonymous"] for t in files["threads.json"]}
    # (The member also started a thread for the other member's reply, in the other's `populate`.)
    assert titles == {
        "Sleep thread Kingfisher": False,
        "Anonymous thread Kingfisher": True,
        "A thread by someone else": False,
    }
    bodies = {p["body"] for p in files["posts.json"]}
    # Anonymous posts are theirs too, and earlier versions come with the post.
    assert {"Edited opening words Kingfisher.", "Secret words Kingfisher.", "My reply Kingfisher."} < bodies
    edited = next(p for p in files["posts.json"] if p["body"].startswith("Edited"))
    assert edited["earlier_versions"][0]["body"] == "Opening words Kingfisher."
    assert [r["kind"] for r in files["reactions.json"]["on_posts"]] == ["hug"]
    assert [r["kind"] for r in files["reactions.json"]["on_chat_messages"]] == ["hug"]
    assert files["reports.json"][0]["details"] == "Report details Kingfisher."
    assert files["blocks.json"] == [
        {"kind": "mute", "created_at": files["blocks.json"][0]["created_at"], "member": other_member.username}
    ]
    assert "Notification title Kingfisher" in {n["title"] for n in files["notifications.json"]}
    plan = files["wellbeing.json"]["safety_plan"]["sections"]
    assert "Plan item Kingfisher" in plan["Things I can do on my own to cope"]
    assert {m["body"] for m in files["chat_messages.json"]} == {
        "Chat message Kingfisher.",
        "Support message Kingfisher.",
        "A message from someone else.",
    }
    assert files["listener.json"]["listener_profile"]["topics"] == ["anxiety"]
    assert files["listener.json"]["training"]["last_score"] == 9
    assert files["support_requests.json"][0]["rating_you_gave"] == 5
    assert files["moderation.json"]["safety_checks_of_your_writing"]
    assert [t["name"] for t in files["api_tokens.json"]] == ["token-Kingfisher"]
    assert [m["type"] for m in files["security.json"]["two_factor_methods"]] == ["totp"]
    summary = files["index.html"]
    assert mine.user.username in summary and "Plan item Kingfisher" in summary


def test_the_export_holds_nothing_of_anyone_else(written, other_member):
    mine, theirs = written
    files = export_of(mine.user)
    text = json.dumps(files)
    # Their writing, email, bio, plan, token and notifications never appear; their pseudonym only where this
    # member saw it (whom they muted).
    for secret in ("Zebrafinch", "zebrafinch", theirs.email):
        assert secret not in text
    assert text.count(other_member.username) == 1
    # No secrets and no addresses of the member's own either.
    from allauth.mfa.models import Authenticator

    from hearth.accounts.models import ApiToken

    for token_hash in ApiToken.objects.values_list("key_hash", flat=True):
        assert token_hash not in text
    for data in Authenticator.objects.values_list("data", flat=True):
        assert data["secret"] not in text
    assert "key_hash" not in text and "ip_address" not in text


def test_the_anonymous_authors_own_export_does_not_tell_others(written, other_member):
    """The other member's export never mentions the anonymous thread they replied near, nor its author."""
    mine, _ = written
    text = json.dumps(export_of(other_member))
    assert "Anonymous thread Kingfisher" not in text
    assert mine.user.username not in text.replace('"member": "' + mine.user.username, "")


def test_the_export_takes_the_same_number_of_queries_however_much_there_is(member, other_member, community):
    with CaptureQueriesContext(connection) as empty:
        build_export(member).close()
    populate(member, other_member, community, tag="Kingfisher")
    populate(other_member, member, community, tag="Zebrafinch")
    with CaptureQueriesContext(connection) as full:
        build_export(member).close()
    # One query per kind of data, whatever the member wrote: email addresses, memberships, join requests,
    # invitations, threads, post revisions, posts, post reactions, chat reactions, reports, blocks,
    # notifications, safety plan, chat messages, listener profile, training, chats listened in, support
    # requests, sanctions, appeals, screenings, shifts, tokens, two-factor methods, failed sign-ins (25), and
    # sessions when session tracking is installed.
    expected = 25 + apps.is_installed("allauth.usersessions")
    assert len(full.captured_queries) == len(empty.captured_queries) == expected


def test_the_page_download_is_a_post_with_csrf(written, csrf_client_for, client):
    mine, _ = written
    browser = csrf_client_for(mine.user)
    assert browser.get("/accounts/data/export/").status_code == 405
    assert browser.post("/accounts/data/export/").status_code == 403  # no CSRF token
    page = browser.get("/accounts/data/")
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else browser.cookies["csrftoken"].value
    response = browser.post("/accounts/data/export/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"] and mine.user.username not in response["Content-Disposition"]
    files = open_zip(b"".join(response.streaming_content))
    assert files["profile.json"]["pseudonym"] == mine.user.username
    # Visitors are sent to sign in.
    assert client.post("/accounts/data/export/").status_code == 302


def test_the_api_export_is_a_zip_for_the_caller_only(written, client):
    mine, _ = written
    _, secret = create_api_token(mine.user, name="script")
    response = get(client, "/me/export", **bearer(secret))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    files = open_zip(b"".join(response.streaming_content))
    assert files["profile.json"]["pseudonym"] == mine.user.username
    assert "Zebrafinch" not in json.dumps(files)
    assert get(client, "/me/export").status_code == 401


def test_the_api_schema_documents_the_zip(client):
    operation = get(client, "/openapi.json").json()["paths"]["/api/v1/me/export"]["get"]
    assert "application/zip" in operation["responses"]["200"]["content"]


def test_a_member_with_nothing_gets_empty_files(db, community):
    quiet = make_member(community, username="SilentBrook12")
    files = export_of(quiet)
    assert files["posts.json"] == [] and files["wellbeing.json"] == {"safety_plan": None}
