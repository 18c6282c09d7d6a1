"""Every rule in hearth.permissions, each with its opposite.

Personas: `member`, `other_member`, `moderator` (of `community`, open), `private_member` and `private_moderator`
(of `private_community`, request-to-join), `outsider` (signed in, member of nothing), `visitor` (not signed in),
`global_moderator`, `admin_user`.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from hearth.accounts.models import User
from hearth.communities.models import Community, MembershipMode, MembershipRole
from hearth.core.testing.factories import CommunityFactory, make_member, make_thread, opening_post
from hearth.forums.models import Post, Thread
from hearth.forums.services import add_reply, delete_post
from hearth.permissions import (
    NOT_FOUND,
    access_community,
    access_post,
    access_thread,
    can_delete_post,
    can_edit_post,
    can_post_in,
    can_read_community,
    can_see_author,
    check_anonymous_post_permission,
    check_delete_post_permission,
    check_edit_post_permission,
    check_manage_members_permission,
    check_post_permission,
    check_react_permission,
    check_read_community_permission,
    check_reply_permission,
    filter_readable_communities,
    filter_visible_threads,
    is_member,
    is_moderator,
    is_staff_moderator,
    memberships_of,
)


@pytest.fixture
def visitor():
    return AnonymousUser()


@pytest.fixture
def private_member(private_community):
    return make_member(private_community, username="HopefulFinch21")


@pytest.fixture
def private_moderator(private_community):
    return make_member(private_community, role=MembershipRole.MODERATOR, username="SteadyFern5")


@pytest.fixture
def invite_community(db):
    return CommunityFactory(name="Grief & Loss", slug="grief-loss", membership_mode=MembershipMode.INVITE)


@pytest.fixture
def private_thread(private_community, private_member):
    return make_thread(private_community, author=private_member, title="Nightmares again")


@pytest.fixture
def open_thread(community, member):
    return make_thread(community, author=member, title="Finding it hard to sleep", replies=1)


@pytest.fixture
def anonymous_post(community, member):
    return opening_post(make_thread(community, author=member, anonymous=True))


@pytest.fixture
def post(open_thread):
    return opening_post(open_thread)


def deactivate(user: User) -> User:
    User.objects.filter(id=user.id).update(is_active=False)
    return User.objects.get(id=user.id)


def fresh(user: User) -> User:
    """The same person as a new request would load them: nothing cached."""
    return User.objects.get(id=user.id)


def not_found_message(call) -> str:
    with pytest.raises(Http404) as excinfo:
        call()
    return str(excinfo.value)


# --- Reading a request-to-join community ---------------------------------------------------------


class TestReadRequestToJoinCommunity:
    def test_member_can_read_request_to_join_community(self, private_community, private_member):
        assert can_read_community(private_member, private_community)

    def test_outsider_cannot_read_request_to_join_community(self, private_community, outsider):
        assert not can_read_community(outsider, private_community)

    def test_visitor_cannot_read_request_to_join_community(self, private_community, visitor):
        assert not can_read_community(visitor, private_community)

    def test_community_moderator_can_read_request_to_join_community(self, private_community, private_moderator):
        assert can_read_community(private_moderator, private_community)

    def test_global_moderator_can_read_request_to_join_community(self, private_community, global_moderator):
        assert can_read_community(global_moderator, private_community)

    def test_admin_can_read_request_to_join_community(self, private_community, admin_user):
        assert can_read_community(admin_user, private_community)

    def test_moderator_of_another_community_cannot_read_request_to_join_community(self, private_community, moderator):
        assert not can_read_community(moderator, private_community)

    def test_deactivated_member_cannot_read_request_to_join_community(self, private_community, private_member):
        assert not can_read_community(deactivate(private_member), private_community)

    def test_deactivated_global_moderator_cannot_read_request_to_join_community(
        self, private_community, global_moderator
    ):
        assert not can_read_community(deactivate(global_moderator), private_community)

    def test_member_can_read_invitation_only_community(self, invite_community):
        assert can_read_community(make_member(invite_community), invite_community)

    def test_outsider_cannot_read_invitation_only_community(self, invite_community, outsider):
        assert not can_read_community(outsider, invite_community)


class TestReadOpenCommunity:
    def test_any_signed_in_person_can_read_open_community(self, community, outsider):
        assert can_read_community(outsider, community)

    def test_visitor_cannot_read_open_community(self, community, visitor):
        assert not can_read_community(visitor, community)

    def test_deactivated_person_cannot_read_open_community(self, community, outsider):
        assert not can_read_community(deactivate(outsider), community)


class TestCheckReadCommunityPermission:
    def test_check_read_community_permission_asks_a_visitor_to_sign_in(self, community, visitor):
        with pytest.raises(PermissionDenied, match="Sign in"):
            check_read_community_permission(visitor, community)

    def test_check_read_community_permission_asks_an_outsider_to_join(self, private_community, outsider):
        with pytest.raises(PermissionDenied, match="Ask to join"):
            check_read_community_permission(outsider, private_community)

    def test_check_read_community_permission_tells_an_outsider_it_is_invitation_only(self, invite_community, outsider):
        with pytest.raises(PermissionDenied, match="invitation only"):
            check_read_community_permission(outsider, invite_community)

    def test_check_read_community_permission_passes_for_a_member(self, private_community, private_member):
        check_read_community_permission(private_member, private_community)


# --- access_*: one 404 for missing and forbidden -----------------------------------------------------


class TestAccessThread:
    def test_access_thread_returns_thread_to_a_member(self, private_thread, private_member):
        assert access_thread(private_member, private_thread.id) == private_thread

    def test_access_thread_returns_thread_to_a_global_moderator(self, private_thread, global_moderator):
        assert access_thread(global_moderator, private_thread.id) == private_thread

    @pytest.mark.parametrize("persona", ["outsider", "visitor", "moderator"])
    def test_access_thread_fails_with_404_if_reader_cannot_read_community(self, request, private_thread, persona):
        user = request.getfixturevalue(persona)

        with pytest.raises(Http404):
            access_thread(user, private_thread.id)

    def test_access_thread_gives_the_same_404_for_missing_and_forbidden(self, private_thread, outsider):
        forbidden = not_found_message(lambda: access_thread(outsider, private_thread.id))
        missing = not_found_message(lambda: access_thread(outsider, private_thread.id + 1000))

        assert forbidden == missing == NOT_FOUND

    def test_access_thread_fails_with_404_for_a_member_if_thread_deleted(self, private_thread, private_member):
        delete_post(private_member, opening_post(private_thread))

        message = not_found_message(lambda: access_thread(fresh(private_member), private_thread.id))

        assert message == NOT_FOUND

    def test_access_thread_returns_a_deleted_thread_to_its_community_moderator(
        self, private_thread, private_member, private_moderator
    ):
        delete_post(private_member, opening_post(private_thread))

        thread = access_thread(private_moderator, private_thread.id)

        assert thread.deleted_at is not None

    def test_access_thread_returns_a_deleted_thread_to_a_global_moderator(
        self, private_thread, private_member, global_moderator
    ):
        delete_post(private_member, opening_post(private_thread))

        assert access_thread(global_moderator, private_thread.id).deleted_at is not None

    def test_access_thread_fails_with_404_for_a_moderator_of_another_community_if_deleted(
        self, open_thread, member, private_moderator
    ):
        delete_post(member, opening_post(open_thread))

        with pytest.raises(Http404):
            access_thread(private_moderator, open_thread.id)


class TestAccessPost:
    def test_access_post_returns_post_to_a_member(self, private_thread, private_member):
        post = opening_post(private_thread)

        assert access_post(private_member, post.id) == post

    def test_access_post_gives_the_same_404_for_missing_and_forbidden(self, private_thread, outsider):
        post = opening_post(private_thread)

        forbidden = not_found_message(lambda: access_post(outsider, post.id))
        missing = not_found_message(lambda: access_post(outsider, post.id + 1000))

        assert forbidden == missing == NOT_FOUND

    def test_access_post_fails_with_404_for_a_member_if_thread_deleted(self, open_thread, member, other_member):
        reply = Post.objects.get(thread=open_thread, number=2)
        delete_post(member, opening_post(open_thread))

        with pytest.raises(Http404):
            access_post(other_member, reply.id)

    def test_access_post_returns_post_in_a_deleted_thread_to_a_moderator(self, open_thread, member, moderator):
        reply = Post.objects.get(thread=open_thread, number=2)
        delete_post(member, opening_post(open_thread))

        assert access_post(moderator, reply.id) == reply


class TestAccessCommunity:
    def test_access_community_returns_even_a_private_community_to_a_visitor(self, private_community, visitor):
        # The directory is public; reading its threads is checked apart.
        assert access_community(visitor, "trauma-ptsd") == private_community

    def test_access_community_fails_with_404_if_missing(self, db, visitor):
        assert not_found_message(lambda: access_community(visitor, "no-such-place")) == NOT_FOUND


# --- Posting -------------------------------------------------------------------------------------------


class TestPostIn:
    def test_member_can_post_in_community(self, community, member):
        assert can_post_in(member, community)

    def test_outsider_cannot_post_in_open_community(self, community, outsider):
        assert not can_post_in(outsider, community)

    def test_visitor_cannot_post(self, community, visitor):
        assert not can_post_in(visitor, community)

    def test_global_moderator_can_post_in_any_community(self, private_community, global_moderator):
        assert can_post_in(global_moderator, private_community)

    def test_moderator_of_another_community_cannot_post(self, private_community, moderator):
        assert not can_post_in(moderator, private_community)

    def test_deactivated_member_cannot_post(self, community, member):
        assert not can_post_in(deactivate(member), community)

    def test_check_post_permission_asks_a_visitor_to_sign_in(self, community, visitor):
        with pytest.raises(PermissionDenied, match="Sign in"):
            check_post_permission(visitor, community)

    def test_check_post_permission_asks_an_outsider_to_join(self, community, outsider):
        with pytest.raises(PermissionDenied, match="Join this community"):
            check_post_permission(outsider, community)

    def test_check_reply_permission_passes_for_a_member(self, open_thread, other_member):
        check_reply_permission(other_member, open_thread)

    def test_check_reply_permission_fails_if_thread_deleted(self, open_thread, member, other_member):
        delete_post(member, opening_post(open_thread))
        open_thread.refresh_from_db()

        with pytest.raises(PermissionDenied, match="deleted"):
            check_reply_permission(other_member, open_thread)

    def test_check_anonymous_post_permission_passes_if_community_allows_it(self, community):
        check_anonymous_post_permission(community)

    def test_check_anonymous_post_permission_fails_if_community_disallows_it(self, db):
        with pytest.raises(PermissionDenied):
            check_anonymous_post_permission(CommunityFactory(allow_anonymous_posts=False))


# --- Who wrote an anonymous post -------------------------------------------------------------------------


class TestSeeAnonymousAuthor:
    def test_author_can_see_who_wrote_their_anonymous_post(self, community, anonymous_post, member):
        assert can_see_author(member, anonymous_post, community)

    def test_community_moderator_can_see_who_wrote_an_anonymous_post(self, community, anonymous_post, moderator):
        assert can_see_author(moderator, anonymous_post, community)

    def test_global_moderator_can_see_who_wrote_an_anonymous_post(self, community, anonymous_post, global_moderator):
        assert can_see_author(global_moderator, anonymous_post, community)

    def test_admin_can_see_who_wrote_an_anonymous_post(self, community, anonymous_post, admin_user):
        assert can_see_author(admin_user, anonymous_post, community)

    def test_other_member_cannot_see_who_wrote_an_anonymous_post(self, community, anonymous_post, other_member):
        assert not can_see_author(other_member, anonymous_post, community)

    def test_moderator_of_another_community_cannot_see_who_wrote_an_anonymous_post(
        self, community, anonymous_post, private_moderator
    ):
        assert not can_see_author(private_moderator, anonymous_post, community)

    def test_visitor_cannot_see_who_wrote_an_anonymous_post(self, community, anonymous_post, visitor):
        assert not can_see_author(visitor, anonymous_post, community)

    def test_deactivated_global_moderator_cannot_see_who_wrote_an_anonymous_post(
        self, community, anonymous_post, global_moderator
    ):
        assert not can_see_author(deactivate(global_moderator), anonymous_post, community)

    def test_anyone_can_see_who_wrote_a_post_that_is_not_anonymous(self, community, post, visitor, other_member):
        assert can_see_author(visitor, post, community)
        assert can_see_author(other_member, post, community)


# --- Editing and deleting ------------------------------------------------------------------------------


class TestEditPost:
    def test_author_can_edit_their_post(self, post, member):
        assert can_edit_post(member, post)

    def test_other_member_cannot_edit_a_post(self, post, other_member):
        assert not can_edit_post(other_member, post)

    def test_community_moderator_cannot_edit_a_post(self, post, moderator):
        assert not can_edit_post(moderator, post)

    def test_admin_cannot_edit_a_post(self, post, admin_user):
        assert not can_edit_post(admin_user, post)

    def test_visitor_cannot_edit_a_post(self, post, visitor):
        assert not can_edit_post(visitor, post)

    def test_author_cannot_edit_their_deleted_post(self, post, member):
        delete_post(member, post)

        assert not can_edit_post(member, post)

    def test_check_edit_post_permission_fails_if_post_deleted(self, post, member):
        delete_post(member, post)

        with pytest.raises(PermissionDenied, match="deleted"):
            check_edit_post_permission(member, post)

    def test_check_edit_post_permission_fails_if_not_author(self, post, other_member):
        with pytest.raises(PermissionDenied, match="your own"):
            check_edit_post_permission(other_member, post)


class TestDeletePost:
    def test_author_can_delete_their_post(self, community, post, member):
        assert can_delete_post(member, post, community)

    def test_community_moderator_can_delete_a_post(self, community, post, moderator):
        assert can_delete_post(moderator, post, community)

    def test_global_moderator_can_delete_a_post(self, community, post, global_moderator):
        assert can_delete_post(global_moderator, post, community)

    def test_admin_can_delete_a_post(self, community, post, admin_user):
        assert can_delete_post(admin_user, post, community)

    def test_other_member_cannot_delete_a_post(self, community, post, other_member):
        assert not can_delete_post(other_member, post, community)

    def test_moderator_of_another_community_cannot_delete_a_post(self, community, post, private_moderator):
        assert not can_delete_post(private_moderator, post, community)

    def test_visitor_cannot_delete_a_post(self, community, post, visitor):
        assert not can_delete_post(visitor, post, community)

    def test_nobody_can_delete_a_post_twice(self, community, post, member, moderator):
        delete_post(member, post)

        assert not can_delete_post(member, post, community)
        assert not can_delete_post(moderator, post, community)
        with pytest.raises(PermissionDenied, match="already deleted"):
            check_delete_post_permission(moderator, post, community)

    def test_check_delete_post_permission_fails_if_not_author_or_moderator(self, community, post, other_member):
        with pytest.raises(PermissionDenied):
            check_delete_post_permission(other_member, post, community)


class TestReact:
    def test_member_can_react(self, community, post, other_member):
        check_react_permission(other_member, post, community)

    def test_check_react_permission_fails_if_not_a_member(self, community, post, outsider):
        with pytest.raises(PermissionDenied, match="Join"):
            check_react_permission(outsider, post, community)

    def test_check_react_permission_fails_if_post_deleted(self, community, post, member, other_member):
        delete_post(member, post)

        with pytest.raises(PermissionDenied, match="deleted"):
            check_react_permission(other_member, post, community)


# --- Managing members ------------------------------------------------------------------------------------


class TestManageMembers:
    def test_community_moderator_can_manage_members(self, private_community, private_moderator):
        check_manage_members_permission(private_moderator, private_community)

    def test_global_moderator_can_manage_members(self, private_community, global_moderator):
        check_manage_members_permission(global_moderator, private_community)

    def test_member_cannot_manage_members(self, private_community, private_member):
        with pytest.raises(PermissionDenied):
            check_manage_members_permission(private_member, private_community)

    def test_moderator_of_another_community_cannot_manage_members(self, private_community, moderator):
        with pytest.raises(PermissionDenied):
            check_manage_members_permission(moderator, private_community)


# --- Roles and caching ------------------------------------------------------------------------------------


class TestRoles:
    def test_is_staff_moderator_is_true_for_global_moderators_and_admins(self, global_moderator, admin_user):
        assert is_staff_moderator(global_moderator)
        assert is_staff_moderator(admin_user)

    def test_is_staff_moderator_is_false_for_community_moderators_and_visitors(self, moderator, visitor):
        assert not is_staff_moderator(moderator)
        assert not is_staff_moderator(visitor)

    def test_is_moderator_is_false_for_a_plain_member(self, community, member):
        assert is_member(member, community)
        assert not is_moderator(member, community)

    def test_memberships_of_is_fetched_once_per_user_object(self, community, member, django_assert_num_queries):
        user = fresh(member)
        with django_assert_num_queries(1):
            memberships_of(user)
            memberships_of(user)
            is_member(user, community)

    def test_memberships_of_a_visitor_needs_no_query(self, db, visitor, django_assert_num_queries):
        with django_assert_num_queries(0):
            assert memberships_of(visitor) == {}


# --- Lists ------------------------------------------------------------------------------------------------


def slugs(qs) -> set[str]:
    return set(qs.values_list("slug", flat=True))


def titles(qs) -> set[str]:
    return set(qs.values_list("title", flat=True))


class TestFilterReadableCommunities:
    def test_filter_readable_communities_gives_a_visitor_nothing(self, community, private_community, visitor):
        assert slugs(filter_readable_communities(Community.objects.all(), visitor)) == set()

    def test_filter_readable_communities_gives_an_outsider_open_communities(
        self, community, private_community, invite_community, outsider
    ):
        assert slugs(filter_readable_communities(Community.objects.all(), outsider)) == {"anxiety-depression"}

    def test_filter_readable_communities_adds_a_members_private_communities(
        self, community, private_community, invite_community, private_member
    ):
        assert slugs(filter_readable_communities(Community.objects.all(), private_member)) == {
            "anxiety-depression",
            "trauma-ptsd",
        }

    def test_filter_readable_communities_gives_staff_everything(
        self, community, private_community, invite_community, global_moderator
    ):
        assert slugs(filter_readable_communities(Community.objects.all(), global_moderator)) == {
            "anxiety-depression",
            "trauma-ptsd",
            "grief-loss",
        }

    def test_filter_readable_communities_gives_a_deactivated_person_nothing(self, community, outsider):
        assert slugs(filter_readable_communities(Community.objects.all(), deactivate(outsider))) == set()


class TestFilterVisibleThreads:
    @pytest.fixture
    def threads(self, community, private_community, member, private_member):
        make_thread(community, author=member, title="Open and live")
        gone = make_thread(community, author=member, title="Open but deleted")
        make_thread(private_community, author=private_member, title="Private and live")
        private_gone = make_thread(private_community, author=private_member, title="Private but deleted")
        delete_post(member, opening_post(gone))
        delete_post(private_member, opening_post(private_gone))

    def visible(self, user) -> set[str]:
        return titles(filter_visible_threads(Thread.objects.all(), fresh(user) if user.is_authenticated else user))

    def test_filter_visible_threads_shows_a_visitor_nothing(self, threads, visitor):
        assert self.visible(visitor) == set()

    def test_filter_visible_threads_shows_an_outsider_live_open_threads(self, threads, outsider):
        assert self.visible(outsider) == {"Open and live"}

    def test_filter_visible_threads_shows_a_member_their_private_community(self, threads, private_member):
        assert self.visible(private_member) == {"Open and live", "Private and live"}

    def test_filter_visible_threads_shows_a_community_moderator_deleted_threads_there_only(
        self, threads, private_moderator
    ):
        assert self.visible(private_moderator) == {"Open and live", "Private and live", "Private but deleted"}

    def test_filter_visible_threads_shows_a_global_moderator_everything(self, threads, global_moderator):
        assert self.visible(global_moderator) == {
            "Open and live",
            "Open but deleted",
            "Private and live",
            "Private but deleted",
        }

    def test_filter_visible_threads_shows_an_admin_everything(self, threads, admin_user):
        assert len(self.visible(admin_user)) == 4


def test_replies_in_a_thread_keep_a_deleted_thread_hidden(community, member, other_member):
    # A reply arriving just before deletion must not make the thread visible again.
    thread = make_thread(community, author=member)
    add_reply(other_member, thread, body="Sending support.")
    delete_post(member, opening_post(thread))

    assert not filter_visible_threads(Thread.objects.all(), fresh(other_member)).exists()
