"""What moderators write for members to read passes the safety screen too: no contact or identity details, and a
moderator's edit keeps what the pipeline finds in the new text. Each refusal is tried through the service, the
page and the API, and each time nothing changes and nothing the moderator wrote is lost."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hearth.api.tests.helpers import post as api_post
from hearth.core.errors import ApplicationError
from hearth.core.testing.factories import make_thread, opening_post
from hearth.forums.models import ContentStatus, PostRevision
from hearth.forums.services import create_thread
from hearth.moderation.models import ActionKind, AuditLogEntry
from hearth.moderation.reports import report_post
from hearth.moderation.sanctions import sanction_member
from hearth.moderation.services import edit_as_moderator, hide_item, reach_out
from hearth.notifications.models import Notification
from hearth.safety.services import screen_staff_text

STAFF_PHONE = "Call me on 07700 900123 any time."
STAFF_EMAIL = "Write to jo.bloggs@example.com if you want to talk."


@pytest.fixture
def reported(member, other_member, community):
    """A post by `other_member`, reported by `member`, and its queue item."""
    post = opening_post(make_thread(community, author=other_member, body="Some ordinary words about my week."))
    return post, report_post(member, post, reason="other").queue_item


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (STAFF_PHONE, "a phone number"),
        (STAFF_EMAIL, "an email address"),
        ("Find me at instagram.com/jo.bloggs.real", "a profile link"),
        ("Pop round to 42 Acacia Avenue, Leeds LS6 2AB.", "a street address"),
    ],
)
def test_contact_details_in_staff_text_are_refused_by_kind_never_by_words(db, text, named):
    with pytest.raises(ApplicationError) as caught:
        screen_staff_text(text)
    assert caught.value.code == "personal_details"
    assert named in caught.value.message
    assert "07700" not in caught.value.message and "bloggs" not in caught.value.message


@pytest.mark.parametrize(
    "text",
    [
        "You can call Samaritans on 116 123, day or night.",  # a helpline Hearth lists is help, not a leak
        "Your post called someone a worthless idiot, so we hid it.",  # moderators quote what they act on
        "Please don't share your phone number in posts.",
        "I'm worried about you. Do you have thoughts of ending your life?",
    ],
)
def test_what_moderators_write_every_day_passes(db, text):
    screen_staff_text(text)  # refused text raises ApplicationError


def test_a_pseudonym_is_not_a_personal_detail(db, other_member):
    screen_staff_text(f"We hid this after a report about @{other_member.username}.")


@pytest.mark.django_db
class TestService:
    def test_outreach_with_a_phone_number_is_refused_and_nothing_is_sent(self, moderator, other_member, reported):
        _, item = reported
        with pytest.raises(ApplicationError, match="a phone number"):
            reach_out(moderator, item, message=STAFF_PHONE)
        assert not Notification.objects.filter(user=other_member, kind="moderator_outreach").exists()
        assert not AuditLogEntry.objects.filter(action=ActionKind.REACH_OUT).exists()

    def test_a_reason_with_an_email_is_refused_and_the_post_stays(self, moderator, reported):
        post, item = reported
        with pytest.raises(ApplicationError, match="an email address"):
            hide_item(moderator, item, reason=STAFF_EMAIL)
        post.refresh_from_db()
        assert post.status == ContentStatus.PUBLISHED
        assert not AuditLogEntry.objects.filter(action=ActionKind.HIDE).exists()

    def test_a_sanction_reason_is_screened(self, moderator, other_member, community):
        with pytest.raises(ApplicationError, match="a phone number"):
            sanction_member(moderator, other_member, kind="warning", reason=STAFF_PHONE, community=community)
        assert not Notification.objects.filter(user=other_member).exists()

    def test_an_edit_may_not_add_contact_details(self, moderator, reported):
        post, item = reported
        with pytest.raises(ApplicationError, match="a phone number"):
            edit_as_moderator(moderator, item, body=f"{post.body} {STAFF_PHONE}", reason="Added a contact.")
        post.refresh_from_db()
        assert post.body == "Some ordinary words about my week."
        assert not PostRevision.objects.exists()

    def test_an_edit_may_leave_the_members_own_details_where_they_were(
        self, moderator, member, other_member, community
    ):
        body = "Rough week. My number is 07700 900456 if anyone wants to chat. Also the bridge near my flat."
        own = frozenset({"own_details"})
        thread = create_thread(other_member, community, title="Week", body=body, acknowledged=own)
        post = opening_post(thread)
        item = report_post(member, post, reason="other").queue_item
        edit_as_moderator(moderator, item, body=body.replace(" Also the bridge near my flat.", ""), reason="Trim.")
        post.refresh_from_db()
        assert "07700 900456" in post.body
        assert "bridge" not in post.body

    def test_an_edit_keeps_what_the_pipeline_finds_in_the_new_text(self, moderator, reported):
        post, item = reported
        body = "Some ordinary words about my week. I think you should come off the venlafaxine."
        edit_as_moderator(moderator, item, body=body, reason="Kept their advice for review.")
        post.refresh_from_db()
        assert post.labels == ["stop_medication"]
        body = "I have been cutting myself again and I want to die."
        edit_as_moderator(moderator, item, body=body, reason="Kept the words, took out the rest.")
        post.refresh_from_db()
        assert {"self_harm", "suicide"} <= set(post.topics)
        assert post.risk_level >= 1
        assert post.status == ContentStatus.PUBLISHED  # the moderator decides; the edit holds nothing

    def test_a_listener_hand_over_may_say_where_someone_is(self, db):
        from hearth.moderation.services import clean_reason

        reason = "They said they are at 42 Acacia Avenue, Leeds LS6 2AB right now."
        assert clean_reason(reason, member_sees=False) == reason
        with pytest.raises(ApplicationError):
            clean_reason(reason)


@pytest.mark.django_db
class TestPageAndApi:
    def test_the_page_refuses_with_a_clear_error_and_keeps_what_was_written(self, moderator_client, reported):
        post, item = reported
        url = reverse("moderation:item", args=[item.id])
        response = moderator_client.post(url, {"action": "reach_out", "message": STAFF_EMAIL})
        assert response.status_code == 400
        html = response.content.decode()
        assert "This includes an email address." in html
        assert STAFF_EMAIL in html  # back in the message box, not lost
        edited = f"{post.body} {STAFF_PHONE}"
        response = moderator_client.post(url, {"action": "edit", "body": edited, "reason": "Trimmed."})
        assert response.status_code == 400
        html = response.content.decode()
        assert "This includes a phone number." in html
        assert edited in html and "Trimmed." in html
        post.refresh_from_db()
        assert STAFF_PHONE not in post.body

    def test_the_api_refuses_with_a_code(self, moderator_client, other_member, reported):
        _, item = reported
        path = f"/moderation/items/{item.id}/actions"
        response = api_post(moderator_client, path, {"action": "reach_out", "message": STAFF_PHONE})
        assert response.status_code == 400
        assert response.json()["code"] == "personal_details"
        assert not Notification.objects.filter(user=other_member, kind="moderator_outreach").exists()
        response = api_post(moderator_client, path, {"action": "reach_out", "message": "How are you today?"})
        assert response.status_code == 200
        assert Notification.objects.filter(user=other_member, kind="moderator_outreach").exists()
