"""Reports, blocks, appeals and the queue through the API, including who may not use them."""

from __future__ import annotations

import pytest
from django.test import Client

from hearth.api.tests.helpers import delete, get, post, send
from hearth.core.testing.factories import make_thread, opening_post
from hearth.forums.models import ContentStatus
from hearth.moderation.models import AuditLogEntry, QueueItem


@pytest.mark.django_db
def test_report_hide_appeal_through_the_api(
    member_client, other_member, other_member_client, moderator_client, community
):
    post_obj = opening_post(make_thread(community, author=other_member))
    response = post(member_client, f"/posts/{post_obj.id}/reports", {"reason": "harassment", "details": "Unkind."})
    assert response.status_code == 201
    queue = get(moderator_client, "/moderation/queue").json()
    assert queue[0]["kinds"] == ["report"]
    item_id = queue[0]["id"]
    response = post(moderator_client, f"/moderation/items/{item_id}/actions", {"action": "hide", "reason": "Unkind."})
    assert response.status_code == 200
    assert response.json()["status"] == "resolved"
    decisions = get(other_member_client, "/me/decisions").json()
    assert decisions[0]["action"] == "hide"
    response = post(other_member_client, f"/me/decisions/{decisions[0]['id']}/appeal", {"statement": "It was kind."})
    assert response.status_code == 201
    assert (
        post(other_member_client, f"/me/decisions/{decisions[0]['id']}/appeal", {"statement": "Again"}).status_code
        == 409
    )


@pytest.mark.django_db
def test_members_cannot_see_the_queue_or_act(member_client, community, other_member):
    post_obj = opening_post(make_thread(community, author=other_member))
    post(member_client, f"/posts/{post_obj.id}/reports", {"reason": "spam"})
    item = QueueItem.objects.get()
    assert get(member_client, "/moderation/queue").status_code == 403
    response = post(member_client, f"/moderation/items/{item.id}/actions", {"action": "approve", "reason": "x"})
    assert response.status_code == 404


@pytest.mark.django_db
def test_an_action_without_a_reason_is_400_and_changes_nothing(
    moderator_client, member, community, other_member_client
):
    post_obj = opening_post(make_thread(community, author=member))
    post(other_member_client, f"/posts/{post_obj.id}/reports", {"reason": "spam"})
    item = QueueItem.objects.get()
    response = post(moderator_client, f"/moderation/items/{item.id}/actions", {"action": "hide"})
    assert response.status_code == 400
    post_obj.refresh_from_db()
    assert post_obj.status == ContentStatus.PUBLISHED
    assert not AuditLogEntry.objects.exists()


@pytest.mark.django_db
def test_block_and_unblock(member_client, other_member, community):
    assert send(member_client, "put", f"/members/{other_member.username}/block", {"kind": "mute"}).status_code == 200
    assert send(member_client, "put", f"/members/{other_member.username}/block", {"kind": "mute"}).status_code == 409
    assert send(member_client, "put", f"/members/{other_member.username}/block", {"kind": "ban"}).status_code == 422
    assert delete(member_client, f"/members/{other_member.username}/block").status_code == 204
    assert delete(member_client, f"/members/{other_member.username}/block").status_code == 409
    assert send(member_client, "put", "/members/NoSuchPerson99/block", {"kind": "mute"}).status_code == 404


@pytest.mark.django_db
def test_report_a_member(member_client, other_member):
    response = post(member_client, f"/members/{other_member.username}/reports", {"reason": "harassment"})
    assert response.status_code == 201
    assert QueueItem.objects.get().kinds == ["report_member"]


@pytest.mark.django_db
def test_cannot_report_own_post(member_client, member, community):
    post_obj = opening_post(make_thread(community, author=member))
    assert post(member_client, f"/posts/{post_obj.id}/reports", {"reason": "spam"}).status_code == 400


@pytest.mark.django_db
def test_a_mute_through_the_api_stops_the_member_posting(moderator_client, member, community, other_member_client):
    post_obj = opening_post(make_thread(community, author=member))
    post(other_member_client, f"/posts/{post_obj.id}/reports", {"reason": "harassment"})
    item = QueueItem.objects.get()
    payload = {"action": "sanction", "sanction": "mute", "days": 3, "reason": "Cool off."}
    assert post(moderator_client, f"/moderation/items/{item.id}/actions", payload).status_code == 200
    muted = Client()
    muted.force_login(member)
    response = post(muted, f"/communities/{community.slug}/threads", {"title": "Hello", "body": "I'm back."})
    assert response.status_code == 403
    assert "paused your posting" in response.json()["detail"]
