from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from hearth.accounts.models import User
from hearth.communities.models import (
    Community,
    Invitation,
    JoinRequest,
    Membership,
    MembershipMode,
    MembershipRole,
    RequestStatus,
)
from hearth.core.management.commands.seed_demo import ACCOUNTS, COMMUNITIES, DEMO_PASSWORD, THREADS
from hearth.forums.models import Post, PostRevision, Reaction, ReadState, Thread

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, object]:
    """Every row the command writes, and every counter it moves."""
    return {
        "users": sorted(User.objects.values_list("username", "is_global_moderator", "is_listener")),
        "communities": sorted(
            Community.objects.values_list("slug", "member_count", "thread_count", "post_count", "guidelines")
        ),
        "memberships": sorted(Membership.objects.values_list("user__username", "community__slug", "role")),
        "join_requests": sorted(JoinRequest.objects.values_list("user__username", "community__slug", "status")),
        "invitations": sorted(Invitation.objects.values_list("invitee__username", "community__slug", "status")),
        "threads": sorted(Thread.objects.values_list("title", "reply_count", "last_post_number")),
        "posts": Post.objects.count(),
        "reactions": Reaction.objects.count(),
        "read_states": ReadState.objects.count(),
        "revisions": PostRevision.objects.count(),
    }


def test_seed_demo_twice_changes_nothing():
    seed("--with-demo-accounts")
    first = snapshot()

    output = seed("--with-demo-accounts")

    assert snapshot() == first
    assert "Communities: 0 added, 9 already there." in output
    assert "Conversations: 0 added." in output


def test_seed_demo_creates_every_community_account_and_thread():
    output = seed("--with-demo-accounts")

    assert Community.objects.count() == len(COMMUNITIES)
    assert User.objects.count() == len(ACCOUNTS)
    assert Thread.objects.count() == len(THREADS)
    assert DEMO_PASSWORD in output
    for account in ACCOUNTS:
        assert account.pseudonym in output


def test_seed_demo_keeps_counters_exact():
    seed("--with-demo-accounts")

    for community in Community.objects.all():
        assert community.member_count == community.memberships.count(), community.slug
        assert community.thread_count == community.threads.filter(deleted_at__isnull=True).count(), community.slug
        assert community.post_count == Post.objects.filter(thread__community=community).count(), community.slug
    for thread in Thread.objects.all():
        assert thread.last_post_number == thread.posts.count()
        assert thread.reply_count == thread.posts.count() - 1


def test_seed_demo_shows_each_membership_mode_and_role():
    seed("--with-demo-accounts")

    modes = dict(Community.objects.values_list("slug", "membership_mode"))
    assert modes["trauma-ptsd"] == MembershipMode.REQUEST
    assert modes["professionals-practice"] == MembershipMode.INVITE
    assert User.objects.filter(is_global_moderator=True).count() == 1
    assert User.objects.filter(is_listener=True).count() == 1
    assert Membership.objects.filter(role=MembershipRole.MODERATOR).exists()
    assert JoinRequest.objects.filter(community__slug="trauma-ptsd", status=RequestStatus.PENDING).count() == 1
    assert Membership.objects.filter(community__slug="professionals-practice").count() == 2


def test_seed_demo_shows_an_anonymous_post_and_a_content_warning():
    seed("--with-demo-accounts")

    assert Thread.objects.filter(is_anonymous=True).count() == 1
    warned = Post.objects.exclude(topics=[])
    assert [p.topics for p in warned] == [["substance_use"]]


def test_every_community_has_its_own_guidelines_with_safety_basics():
    seed()

    guidelines = list(Community.objects.values_list("guidelines", "guidelines_html"))
    assert len({text for text, _ in guidelines}) == len(COMMUNITIES)
    for text, html in guidelines:
        assert "Get help now" in text
        assert "method" in text
        assert "identity" in text
        assert 'href="/help/"' in html


def test_seed_demo_refuses_demo_accounts_when_debug_is_off(settings):
    settings.DEBUG = False

    output = seed()

    assert Community.objects.count() == len(COMMUNITIES)
    assert not User.objects.exists()
    assert not Thread.objects.exists()
    assert DEMO_PASSWORD not in output
    assert "--with-demo-accounts" in output


def test_seed_demo_adds_demo_accounts_when_debug_is_on(settings):
    settings.DEBUG = True

    seed()

    assert User.objects.count() == len(ACCOUNTS)


def test_demo_accounts_sign_in_with_the_documented_password():
    seed("--with-demo-accounts")

    for account in ACCOUNTS:
        assert User.objects.get(username=account.pseudonym).check_password(DEMO_PASSWORD)
