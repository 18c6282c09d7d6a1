"""The safety pipeline through the API: nudges as 409 with codes to send back, held posts, help for the writer."""

from __future__ import annotations

import pytest

from hearth.api.tests.helpers import get, patch, post
from hearth.forums.models import ContentStatus, Post

OWN_PHONE = "If anyone wants to talk, text me, my number is 07700 900123."
CRISIS = "I can't do this anymore. I'm going to kill myself tonight, I've already written goodbye letters."


@pytest.mark.django_db
class TestNudges:
    def test_own_details_give_a_409_with_codes_and_a_redacted_text(self, member_client, community):
        response = post(
            member_client, f"/communities/{community.slug}/threads", {"title": "Anyone?", "body": OWN_PHONE}
        )
        assert response.status_code == 409
        body = response.json()
        assert body["code"] == "needs_confirmation"
        assert body["nudges"] == ["own_details"]
        assert "07700" not in body["redacted_text"]
        assert not Post.objects.exists()

    def test_acknowledging_posts_as_it_is(self, member_client, community):
        payload = {"title": "Anyone?", "body": OWN_PHONE, "acknowledge": ["own_details"]}
        response = post(member_client, f"/communities/{community.slug}/threads", payload)
        assert response.status_code == 201
        assert "07700 900123" in Post.objects.get().body

    def test_redact_removes_the_details_and_posts(self, member_client, community):
        payload = {"title": "Anyone?", "body": OWN_PHONE, "redact": True}
        response = post(member_client, f"/communities/{community.slug}/threads", payload)
        assert response.status_code == 201
        assert "07700" not in Post.objects.get().body

    def test_an_unknown_nudge_code_is_422(self, member_client, community):
        payload = {"title": "Anyone?", "body": OWN_PHONE, "acknowledge": ["everything"]}
        assert post(member_client, f"/communities/{community.slug}/threads", payload).status_code == 422

    def test_a_bio_with_own_details_is_a_nudge_too(self, member_client):
        assert patch(member_client, "/me/profile", {"bio": OWN_PHONE}).status_code == 409
        assert patch(member_client, "/me/profile", {"bio": OWN_PHONE, "redact": True}).status_code == 200


@pytest.mark.django_db
def test_a_held_post_is_seen_by_its_author_and_not_by_others(member_client, other_member_client, community):
    response = post(member_client, f"/communities/{community.slug}/threads", {"title": "Tonight", "body": CRISIS})
    assert response.status_code == 201
    thread_id = response.json()["thread"]["id"]
    assert Post.objects.get().status == ContentStatus.HELD
    assert get(member_client, f"/threads/{thread_id}").status_code == 200
    assert get(other_member_client, f"/threads/{thread_id}").status_code == 404
    listing = get(other_member_client, f"/communities/{community.slug}/threads").json()
    assert all(t["id"] != thread_id for t in listing["items"])


@pytest.mark.django_db
def test_only_the_writer_gets_help_with_their_own_risky_post(member_client, moderator_client, community):
    response = post(member_client, f"/communities/{community.slug}/threads", {"title": "Tonight", "body": CRISIS})
    opening = response.json()["posts"][0]
    assert opening["status"] == "held"
    assert opening["help"]["lines"]
    assert "You don't have to face it alone" in opening["help"]["message"]
    seen_by_moderator = get(moderator_client, f"/posts/{opening['id']}").json()
    assert seen_by_moderator["help"] is None


@pytest.mark.django_db
def test_misinformation_labels_are_in_the_api(member_client, other_member_client, community):
    body = "You should just stop taking your antidepressants, they are poison."
    response = post(member_client, f"/communities/{community.slug}/threads", {"title": "My view", "body": body})
    post_id = response.json()["posts"][0]["id"]
    labels = get(other_member_client, f"/posts/{post_id}").json()["labels"]
    assert labels[0]["kind"] == "stop_medication"
    assert labels[0]["url"].startswith("https://")
