"""Reports, blocks and mutes, sanctions and appeals: services and pages, trying the opposite each time."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.blocks import block_member, unblock_member
from hearth.accounts.models import BlockKind
from hearth.core.errors import ApplicationError, ConflictError
from hearth.core.testing.factories import CommunityFactory, make_member, make_thread, opening_post
from hearth.forums.models import ContentStatus, Post
from hearth.forums.services import add_reaction, add_reply, create_thread
from hearth.moderation.appeals import appeal_decision, decide_appeal
from hearth.moderation.models import ActionKind, AppealStatus, AuditLogEntry, QueueItem, Report, SanctionKind
from hearth.moderation.reports import report_member, report_post
from hearth.moderation.sanctions import lift_sanction, sanction_member
from hearth.moderation.services import hide_item
from hearth.notifications.models import Notification


@pytest.mark.django_db
class TestReports:
    def test_reporting_a_post_queues_it_and_a_risk_report_is_urgent(self, member, other_member, community):
        post = opening_post(make_thread(community, author=other_member))
        report = report_post(member, post, reason="risk", details="They said goodbye to everyone.")
        item = report.queue_item
        assert item.kinds == ["report"]
        assert item.risk_level >= 3
        assert (item.due_at - item.created_at).total_seconds() == 15 * 60

    def test_a_second_report_joins_the_same_item(self, member, other_member, community):
        post = opening_post(make_thread(community, author=other_member))
        report_post(member, post, reason="harassment")
        report_post(make_member(community), post, reason="spam")
        assert QueueItem.objects.count() == 1
        assert Report.objects.filter(queue_item__isnull=False).count() == 2

    def test_you_cannot_report_your_own_post(self, member, community):
        post = opening_post(make_thread(community, author=member))
        with pytest.raises(ApplicationError):
            report_post(member, post, reason="spam")

    def test_a_member_report_goes_to_moderators(self, member, other_member, community):
        report = report_member(member, other_member, community=community, reason="harassment")
        assert report.queue_item.kinds == ["report_member"]

    def test_the_reported_person_never_learns_who_reported(self, member, other_member, community, moderator):
        post = opening_post(make_thread(community, author=other_member))
        item = report_post(member, post, reason="harassment").queue_item
        hide_item(moderator, item, reason="Unkind to another member.")
        for note in Notification.objects.filter(user=other_member):
            assert member.username not in note.title + note.body

    def test_report_page(self, member_client, other_member, community):
        post = opening_post(make_thread(community, author=other_member))
        url = reverse("moderation:report-post", args=[post.id])
        assert member_client.get(url).status_code == 200
        response = member_client.post(url, {"reason": "harassment", "details": "Mean reply."})
        assert response.status_code == 302
        assert Report.objects.filter(post=post).exists()

    def test_report_page_refuses_without_a_reason_and_keeps_the_details(self, member_client, other_member, community):
        post = opening_post(make_thread(community, author=other_member))
        response = member_client.post(reverse("moderation:report-post", args=[post.id]), {"details": "Keep me"})
        assert response.status_code == 400
        assert "Keep me" in response.content.decode()


@pytest.mark.django_db
class TestBlocks:
    def test_a_muted_members_posts_disappear_for_me_only(self, member, other_member, member_client, community):
        thread = make_thread(community, author=other_member, title="From the muted one")
        block_member(member, other_member, kind=BlockKind.MUTE)
        listing = member_client.get(reverse("communities:detail", args=[community.slug])).content.decode()
        assert "From the muted one" not in listing
        assert member_client.get(reverse("forums:thread", args=[thread.id])).status_code in (200, 404)
        third = make_member(community)
        from django.test import Client

        other_client = Client()
        other_client.force_login(third)
        assert (
            "From the muted one"
            in other_client.get(reverse("communities:detail", args=[community.slug])).content.decode()
        )

    def test_a_blocked_member_cannot_reply_or_react_to_me(self, member, other_member, community):
        thread = make_thread(community, author=member)
        block_member(member, other_member, kind=BlockKind.BLOCK)
        with pytest.raises(PermissionDenied):
            add_reply(other_member, thread, body="Hello there.")
        with pytest.raises(PermissionDenied):
            add_reaction(other_member, opening_post(thread), kind="hug")

    def test_a_block_does_not_reveal_anonymous_authors(self, member, other_member, community):
        thread = create_thread(member, community, title="Quiet", body="Just checking in.", anonymous=True)
        block_member(member, other_member, kind=BlockKind.BLOCK)
        # Refusing would reveal who wrote the anonymous thread, so the reply goes through.
        assert add_reply(other_member, thread, body="Glad you're here.").number == 2

    def test_muting_does_not_stop_replies(self, member, other_member, community):
        thread = make_thread(community, author=member)
        block_member(member, other_member, kind=BlockKind.MUTE)
        assert add_reply(other_member, thread, body="Hello again.").number == 2

    def test_block_twice_self_block_and_unblock(self, member, other_member):
        block_member(member, other_member)
        with pytest.raises(ConflictError):
            block_member(member, other_member)
        with pytest.raises(ApplicationError):
            block_member(member, member)
        unblock_member(member, other_member)
        with pytest.raises(ConflictError):
            unblock_member(member, other_member)

    def test_block_buttons_on_a_profile(self, member, member_client, other_member):
        url = reverse("moderation:block", args=[other_member.username])
        member_client.post(url, {"action": "mute"})
        html = member_client.get(reverse("member-profile", args=[other_member.username])).content.decode()
        assert f"Unmute {other_member.username}" in html
        member_client.post(url, {"action": "unblock"})
        html = member_client.get(reverse("member-profile", args=[other_member.username])).content.decode()
        assert f"Block {other_member.username}" in html


@pytest.mark.django_db
class TestSanctions:
    def test_a_mute_stops_posting_in_that_community_only_and_tells_the_member(self, moderator, member, community):
        sanction_member(
            moderator, member, kind=SanctionKind.MUTE, reason="Please cool off.", community=community, days=2
        )
        with pytest.raises(PermissionDenied, match="paused your posting in this community"):
            create_thread(member, community, title="Hello", body="Back again.")
        elsewhere = CommunityFactory()
        from hearth.communities.models import Membership
        from hearth.permissions import forget_memberships

        Membership.objects.create(user=member, community=elsewhere)
        forget_memberships(member)
        create_thread(member, elsewhere, title="Hello", body="Back again.")
        assert Notification.objects.filter(user=member, kind="sanction_mute").exists()

    def test_a_mute_ends_by_itself(self, moderator, member, community):
        import time_machine

        sanction_member(moderator, member, kind=SanctionKind.MUTE, reason="Cool off.", community=community, days=1)
        with time_machine.travel(timezone.now() + timezone.timedelta(days=2)):
            create_thread(member, community, title="Hello", body="Back again.")

    @pytest.mark.parametrize("kind", list(SanctionKind))
    @pytest.mark.parametrize("where", ["here", "elsewhere", "everywhere"])
    @pytest.mark.parametrize("state", ["current", "permanent", "ended", "lifted"])
    def test_the_quick_restriction_check_agrees_with_the_explained_one(self, member, community, kind, where, state):
        from hearth.moderation.models import Sanction
        from hearth.permissions import _restricted, restriction_for

        now = timezone.now()
        Sanction.objects.create(
            member=member,
            kind=kind,
            community={"here": community, "elsewhere": CommunityFactory(), "everywhere": None}[where],
            reason="x",
            ends_at=now - timezone.timedelta(hours=1)
            if state == "ended"
            else None
            if state == "permanent"
            else now + timezone.timedelta(days=1),
            lifted_at=now if state == "lifted" else None,
        )
        for place in (community, None):  # in this community, and outside any (a 1:1 chat)
            expected = restriction_for(member, place) is not None
            assert _restricted(member.id, place.id if place else None) is expected
        # Only mutes and suspensions that are in force, here or everywhere, restrict.
        in_force = kind in (SanctionKind.MUTE, SanctionKind.SUSPENSION) and state in ("current", "permanent")
        assert _restricted(member.id, community.id) is (in_force and where != "elsewhere")

    def test_community_moderators_cannot_suspend_or_ban(self, moderator, member, community):
        for kind in (SanctionKind.SUSPENSION, SanctionKind.BAN):
            with pytest.raises(PermissionDenied):
                sanction_member(moderator, member, kind=kind, reason="x", community=community, days=3)

    def test_a_ban_closes_the_account_and_lifting_reopens_it(self, global_moderator, member):
        sanction = sanction_member(global_moderator, member, kind=SanctionKind.BAN, reason="Repeated threats.")
        member.refresh_from_db()
        assert not member.is_active
        lift_sanction(global_moderator, sanction, reason="Appeal accepted.")
        member.refresh_from_db()
        assert member.is_active

    def test_members_cannot_sanction(self, member, other_member, community):
        with pytest.raises(PermissionDenied):
            sanction_member(member, other_member, kind=SanctionKind.WARNING, reason="x", community=community)

    def test_a_length_is_needed_for_mutes(self, moderator, member, community):
        with pytest.raises(ApplicationError):
            sanction_member(moderator, member, kind=SanctionKind.MUTE, reason="x", community=community)


@pytest.mark.django_db
class TestAppeals:
    def test_report_hide_appeal_overturn_by_another_moderator(self, member, other_member, moderator, community):
        post = opening_post(make_thread(community, author=other_member, body="A post someone disliked."))
        item = report_post(member, post, reason="harassment").queue_item
        hide_item(moderator, item, reason="Looks unkind.")
        entry = AuditLogEntry.objects.get(action=ActionKind.HIDE)
        appeal = appeal_decision(other_member, entry, statement="It was a joke between friends.")
        assert appeal.queue_item.kinds == ["appeal"]
        with pytest.raises(PermissionDenied):
            decide_appeal(moderator, appeal, overturn=True, response="Own decision.")
        second = make_member(community, role="moderator")
        decide_appeal(second, appeal, overturn=True, response="On reflection it's fine.")
        post.refresh_from_db()
        appeal.refresh_from_db()
        assert post.status == ContentStatus.PUBLISHED
        assert appeal.status == AppealStatus.OVERTURNED
        assert Notification.objects.filter(user=other_member, kind="appeal_decided").exists()

    def test_only_the_subject_may_appeal_and_only_once(self, member, other_member, moderator, community):
        post = opening_post(make_thread(community, author=other_member))
        item = report_post(member, post, reason="spam").queue_item
        hide_item(moderator, item, reason="Spam.")
        entry = AuditLogEntry.objects.get(action=ActionKind.HIDE)
        with pytest.raises(PermissionDenied):
            appeal_decision(member, entry, statement="Not mine but unfair.")
        appeal_decision(other_member, entry, statement="Please look again.")
        with pytest.raises(ConflictError):
            appeal_decision(other_member, entry, statement="Again!")

    def test_my_decisions_page_and_appeal_form(self, other_member_client, other_member, member, moderator, community):
        post = opening_post(make_thread(community, author=other_member))
        hide_item(moderator, report_post(member, post, reason="spam").queue_item, reason="Spam.")
        page = other_member_client.get(reverse("moderation:my-decisions")).content.decode()
        assert "Spam." in page
        entry = AuditLogEntry.objects.get(action=ActionKind.HIDE)
        response = other_member_client.post(
            reverse("moderation:appeal", args=[entry.id]), {"statement": "It was not spam."}
        )
        assert response.status_code == 302

    def test_nobody_else_can_open_an_appeal_form(self, member_client, other_member, member, moderator, community):
        post = opening_post(make_thread(community, author=other_member))
        hide_item(moderator, report_post(member, post, reason="spam").queue_item, reason="Spam.")
        entry = AuditLogEntry.objects.get(action=ActionKind.HIDE)
        assert member_client.get(reverse("moderation:appeal", args=[entry.id])).status_code == 404


@pytest.mark.django_db
def test_moderator_item_page_actions(moderator_client, member, other_member, community):
    post = opening_post(make_thread(community, author=other_member))
    item = report_post(member, post, reason="harassment").queue_item
    url = reverse("moderation:item", args=[item.id])
    response = moderator_client.post(url, {"action": "warnings", "topics": ["abuse"], "reason": "Mentions abuse."})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.topics == ["abuse"]
    response = moderator_client.post(url, {"action": "reach_out", "message": "How are you doing?"})
    assert Notification.objects.filter(user=other_member, kind="moderator_outreach").exists()
    response = moderator_client.post(url, {"action": "sanction", "kind": "warning", "reason": "Please be kind."})
    assert Notification.objects.filter(user=other_member, kind="sanction_warning").exists()
    assert Post.objects.get(id=post.id).status == ContentStatus.PUBLISHED


@pytest.mark.django_db
class TestMoreModeratorTools:
    def test_editing_as_a_moderator_keeps_the_old_text_and_shows_a_note(
        self, moderator, member, other_member, community, member_client
    ):
        from hearth.forums.models import PostRevision
        from hearth.moderation.services import edit_as_moderator

        post = opening_post(make_thread(community, author=other_member, body="Original words here."))
        item = report_post(member, post, reason="other").queue_item
        edit_as_moderator(moderator, item, body="Gentler words here.", reason="Took out a detail.")
        post.refresh_from_db()
        assert post.body == "Gentler words here."
        assert PostRevision.objects.get(post=post).body == "Original words here."
        html = member_client.get(reverse("forums:thread", args=[post.thread_id])).content.decode()
        assert "Edited by a moderator: Took out a detail." in html
        assert AuditLogEntry.objects.filter(action=ActionKind.EDIT).exists()

    def test_a_heavy_stretch_of_high_risk_items_brings_a_gentle_reminder(self, moderator, moderator_client, community):
        from hearth.moderation.services import approve_item
        from hearth.moderation.tests.test_services import held_reply

        for _ in range(5):
            _, item = held_reply(community)
            approve_item(moderator, item, reason="Checked in.")
        html = moderator_client.get(reverse("moderation:queue")).content.decode()
        assert "Look after yourself too" in html

    def test_no_reminder_after_a_few_items(self, moderator, moderator_client, community):
        from hearth.moderation.services import approve_item
        from hearth.moderation.tests.test_services import held_reply

        _, item = held_reply(community)
        approve_item(moderator, item, reason="Checked in.")
        assert "Look after yourself too" not in moderator_client.get(reverse("moderation:queue")).content.decode()


@pytest.mark.django_db
class TestFirstPostApproval:
    def test_a_new_members_first_post_waits_and_later_posts_do_not(self, member, moderator, community):
        from hearth.moderation.services import approve_item

        community.first_posts_need_approval = True
        community.save()
        first = opening_post(create_thread(member, community, title="Hello all", body="New here, a bit nervous."))
        assert first.status == ContentStatus.HELD
        item = QueueItem.objects.get(object_id=first.id)
        assert "first_post" in item.kinds
        approve_item(moderator, item, reason="Welcome!")
        second = opening_post(create_thread(member, community, title="Again", body="Thanks for the welcome."))
        assert second.status == ContentStatus.PUBLISHED

    def test_off_by_default_and_never_for_moderators(self, member, moderator, community):
        assert opening_post(create_thread(member, community, title="Hi all", body="Hello there.")).status == "published"
        community.first_posts_need_approval = True
        community.save()
        assert (
            opening_post(create_thread(moderator, community, title="Welcome", body="Welcome all.")).status
            == "published"
        )


@pytest.mark.django_db
def test_writes_from_one_address_are_limited_whoever_is_signed_in(
    settings, member_client, other_member_client, community
):
    settings.HEARTH_API_RATE_LIMITS = {**settings.HEARTH_API_RATE_LIMITS, "write_address": (3, 60)}
    thread = make_thread(community)
    url = reverse("forums:react", args=[opening_post(thread).id])
    for client in (member_client, other_member_client, member_client):
        assert client.post(url, {"kind": "hug"}).status_code == 302
    response = other_member_client.post(url, {"kind": "me_too"})
    assert response.status_code == 429
    assert response["X-Hearth-Keep-Form"].startswith("You're doing that a lot")
    api = other_member_client.post("/api/v1/communities/x/join", content_type="application/json")
    assert api.status_code == 429
    assert api.json()["code"] == "rate_limited"
