"""Every post passes the safety pipeline before anyone else can see it: end to end through services and pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hearth.core.testing.factories import make_member, make_thread, opening_post
from hearth.forums.models import ContentStatus, Post
from hearth.forums.services import add_reply, create_thread
from hearth.moderation.models import QueueItem
from hearth.oncall.services import go_on_duty
from hearth.safety.analyzers.base import RiskLevel
from hearth.safety.models import Screening
from hearth.safety.services import NudgeRequired

CRISIS = "I can't do this anymore. I'm going to kill myself tonight, I've already written goodbye letters."
OWN_PHONE = "If anyone wants to talk, text me, my number is 07700 900123."
MISINFORMATION = "You should just stop taking your antidepressants, they are poison."
INSULT = "You are a pathetic idiot and everyone here hates you."
THIRD_PERSON = "My friend's brother died by suicide years ago and I still think about their family."


@pytest.mark.django_db
class TestServices:
    def test_ordinary_posts_are_published_and_screened(self, member, community):
        thread = create_thread(member, community, title="Sleep tips", body="A warm bath before bed helps me.")
        post = opening_post(thread)
        assert post.status == ContentStatus.PUBLISHED
        screening = Screening.objects.get(object_id=post.id)
        assert screening.action == "publish"
        assert not QueueItem.objects.exists()

    def test_a_crisis_post_is_held_queued_urgently_and_never_stores_the_text_in_the_screening(self, member, community):
        thread = create_thread(member, community, title="I'm done", body=CRISIS)
        post = opening_post(thread)
        assert post.status == ContentStatus.HELD
        assert post.risk_level >= RiskLevel.HIGH
        assert "suicide" in post.topics
        item = QueueItem.objects.get(object_id=post.id)
        assert item.held
        assert item.risk_level >= RiskLevel.HIGH
        assert "crisis" in item.kinds
        screening = Screening.objects.get(object_id=post.id)
        assert "goodbye" not in str(screening.findings) + str(screening.reasons)
        assert thread.opening_post.decision.show_help

    def test_a_community_can_publish_high_risk_and_alert_instead(self, member, community, moderator):
        community.high_risk_policy = "publish_and_alert"
        community.save()
        go_on_duty(moderator, hours=1)  # with nobody on call it would be held anyway (docs/oncall.md)
        post = opening_post(create_thread(member, community, title="I'm done", body=CRISIS))
        assert post.status == ContentStatus.PUBLISHED
        assert QueueItem.objects.filter(object_id=post.id, held=False).exists()

    def test_third_person_history_is_not_treated_as_present_danger(self, member, community):
        post = opening_post(create_thread(member, community, title="Remembering", body=THIRD_PERSON))
        assert post.risk_level < RiskLevel.HIGH
        assert post.status == ContentStatus.PUBLISHED

    def test_own_personal_details_are_put_back_to_the_author_with_a_redaction(self, member, community):
        with pytest.raises(NudgeRequired) as caught:
            create_thread(member, community, title="Anyone up?", body=OWN_PHONE)
        assert "own_details" in caught.value.nudges
        assert "07700 900123" not in caught.value.redacted
        assert not Post.objects.exists()
        thread = create_thread(
            member, community, title="Anyone up?", body=OWN_PHONE, acknowledged=frozenset({"own_details"})
        )
        assert opening_post(thread).status == ContentStatus.PUBLISHED

    def test_an_insult_in_a_reply_is_put_back_to_the_author(self, member, other_member, community):
        thread = make_thread(community, author=member)
        with pytest.raises(NudgeRequired) as caught:
            add_reply(other_member, thread, body=INSULT)
        assert "harsh_words" in caught.value.nudges
        post = add_reply(other_member, thread, body=INSULT, acknowledged=frozenset({"harsh_words"}))
        assert "harassment" in QueueItem.objects.get(object_id=post.id).kinds

    def test_misinformation_is_published_with_a_label_and_queued(self, member, community):
        post = opening_post(create_thread(member, community, title="My view", body=MISINFORMATION))
        assert post.status == ContentStatus.PUBLISHED
        assert post.labels == ["stop_medication"]
        assert "misinformation" in QueueItem.objects.get(object_id=post.id).kinds


@pytest.mark.django_db
class TestPages:
    def test_the_author_at_risk_sees_help_at_once_and_others_do_not_see_the_post(
        self, member_client, other_member_client, community
    ):
        response = member_client.post(
            reverse("forums:new-thread", args=[community.slug]), {"title": "I'm done", "body": CRISIS}
        )
        assert response.status_code == 302
        page = member_client.get(response["Location"]).content.decode()
        assert "You don't have to face it alone" in page
        assert "Samaritans" in page or "988" in page
        assert "Waiting for a moderator" in page
        thread_id = int(response["Location"].rstrip("/").split("/")[-1])
        assert other_member_client.get(reverse("forums:thread", args=[thread_id])).status_code == 404
        listing = other_member_client.get(reverse("communities:detail", args=[community.slug])).content.decode()
        assert "I&#x27;m done" not in listing and "I'm done" not in listing
        # The help panel is shown once, not on every later visit.
        assert "You don't have to face it alone" not in member_client.get(response["Location"]).content.decode()

    def test_a_nudge_offers_one_click_redaction(self, member, member_client, community):
        url = reverse("forums:new-thread", args=[community.slug])
        response = member_client.post(url, {"title": "Anyone up?", "body": OWN_PHONE})
        assert response.status_code == 409
        html = response.content.decode()
        assert "Remove them for me and post" in html
        assert OWN_PHONE in html  # nothing typed is lost
        response = member_client.post(url, {"title": "Anyone up?", "body": OWN_PHONE, "redact": "1"})
        assert response.status_code == 302
        post = Post.objects.get(thread__title="Anyone up?")
        assert "07700" not in post.body
        assert post.status == ContentStatus.PUBLISHED

    def test_the_misinformation_label_links_to_a_vetted_resource(self, member_client, other_member_client, community):
        response = member_client.post(
            reverse("forums:new-thread", args=[community.slug]), {"title": "My view", "body": MISINFORMATION}
        )
        html = other_member_client.get(response["Location"]).content.decode()
        assert 'class="label-box"' in html
        assert "talk to your doctor or pharmacist" in html


@pytest.mark.django_db
class TestModerationPages:
    def test_a_crisis_item_tops_the_queue_and_approving_notifies_the_author(
        self, member, member_client, moderator_client, community
    ):
        make_thread(community, title="Calm thread", body="Gardening helps me relax.")
        add_reply(make_member(community), make_thread(community), body=MISINFORMATION)
        member_client.post(reverse("forums:new-thread", args=[community.slug]), {"title": "I'm done", "body": CRISIS})
        queue = moderator_client.get(reverse("moderation:queue")).content.decode()
        first = queue.index("Risk: ")
        assert queue[first : first + 20].startswith(("Risk: high", "Risk: imminent"))
        item = QueueItem.objects.order_by("-risk_level").first()
        detail = moderator_client.get(reverse("moderation:item", args=[item.id])).content.decode()
        assert "Show the post (it may be distressing)" in detail
        response = moderator_client.post(
            reverse("moderation:item", args=[item.id]), {"action": "approve", "reason": "Reached out; they're safe."}
        )
        assert response.status_code == 302
        notes = member_client.get(reverse("notifications:list")).content.decode()
        assert "Your post is now visible" in notes
        assert "Reached out; they&#x27;re safe." in notes

    def test_members_cannot_open_the_queue(self, member_client):
        assert member_client.get(reverse("moderation:queue")).status_code == 403

    def test_an_action_without_a_reason_is_refused_and_nothing_changes(self, member, moderator_client, community):
        post = opening_post(create_thread(member, community, title="I'm done", body=CRISIS))
        item = QueueItem.objects.get(object_id=post.id)
        response = moderator_client.post(reverse("moderation:item", args=[item.id]), {"action": "approve"})
        assert response.status_code == 400
        assert "Give a reason" in response.content.decode()
        post.refresh_from_db()
        assert post.status == ContentStatus.HELD


@pytest.mark.django_db
def test_thanking_a_member_by_pseudonym_is_not_a_personal_detail(member, community):
    thread = make_thread(community, author=member)
    replier = make_member(community)
    post = add_reply(replier, thread, body=f"Thank you for sharing this, {member.username}. You're not alone.")
    assert post.status == ContentStatus.PUBLISHED


@pytest.mark.django_db
def test_mentioning_a_member_is_not_sharing_a_handle(member, community):
    thread = make_thread(community, author=member)
    post = add_reply(make_member(community), thread, body=f"@{member.username} that sounds so hard, sending a hug.")
    assert post.status == ContentStatus.PUBLISHED


@pytest.mark.django_db
def test_a_lone_first_name_does_not_nudge(member, community):
    post = opening_post(create_thread(member, community, title="Support", body="My friend Sarah helped me today."))
    assert post.status == ContentStatus.PUBLISHED
