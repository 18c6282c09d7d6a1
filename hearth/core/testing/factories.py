"""Factories with safe defaults: keyword-only, every object valid and visible unless asked otherwise."""

from __future__ import annotations

import time

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.utils import timezone

from hearth.accounts.models import User
from hearth.communities.models import Community, Membership, MembershipMode, MembershipRole
from hearth.forums.models import Post, Thread
from hearth.forums.services import add_reply, create_thread
from hearth.lib.markdown import render_markdown

# Every test account with powers shares this authenticator-app secret, so tests can compute its codes.
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 (tests only)


def give_mfa(user: User) -> User:
    """An authenticator app for `user` (moderator powers need one, see hearth.accounts.mfa)."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, TEST_TOTP_SECRET)
    return user


def totp_code(secret: str = TEST_TOTP_SECRET, *, steps_ahead: int = 0) -> str:
    """The authenticator app's current code (or one `steps_ahead` 30-second steps later)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + steps_ahead))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"GentleOtter{n:03d}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")
    age_confirmed_at = factory.LazyFunction(timezone.now)
    guidelines_accepted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()
            if obj.is_staff or obj.is_superuser or obj.is_global_moderator or obj.is_professional:
                give_mfa(obj)


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    slug = factory.Sequence(lambda n: f"community-{n}")
    name = factory.Sequence(lambda n: f"Community {n}")
    focus_area = "Peer support"
    description = "A place to talk."
    guidelines = "Be kind."
    guidelines_html = factory.LazyAttribute(lambda o: render_markdown(o.guidelines))
    membership_mode = MembershipMode.OPEN


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    community = factory.SubFactory(CommunityFactory)
    role = MembershipRole.MEMBER


def make_member(community: Community, *, role: str = MembershipRole.MEMBER, **user_fields: object) -> User:
    """A user who belongs to `community`, with its member count kept right."""
    user = UserFactory(**user_fields)
    Membership.objects.create(user=user, community=community, role=role)
    if role == MembershipRole.MODERATOR:
        give_mfa(user)
    Community.objects.filter(id=community.id).update(member_count=community.memberships.count())
    return user


def make_thread(
    community: Community,
    *,
    author: User | None = None,
    title: str = "Finding it hard to sleep",
    body: str = "Does anyone have tips that helped them?",
    topics: list[str] | None = None,
    anonymous: bool = False,
    replies: int = 0,
) -> Thread:
    """A thread written through the service, as a member would, with `replies` replies from other members."""
    author = author or make_member(community)
    thread = create_thread(author, community, title=title, body=body, topics=topics or [], anonymous=anonymous)
    for i in range(replies):
        replier = make_member(community)
        add_reply(replier, thread, body=f"Reply number {i + 1}. You're not alone.")
    thread.refresh_from_db()
    return thread


def opening_post(thread: Thread) -> Post:
    return Post.objects.get(thread=thread, number=1)
