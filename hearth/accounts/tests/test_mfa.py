"""Two-factor authentication before moderator powers: pages, the API, tokens, the admin site and sign-in."""

from __future__ import annotations

import time

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse

from hearth.accounts.mfa import MfaRequired, attach_session, mfa_verified
from hearth.accounts.models import User
from hearth.accounts.services import create_api_token
from hearth.chat.models import Participant, ParticipantRole, Room, RoomKind
from hearth.communities.models import MembershipMode, MembershipRole
from hearth.core.testing.factories import (
    CommunityFactory,
    UserFactory,
    give_mfa,
    make_member,
    make_thread,
    opening_post,
    totp_code,
)
from hearth.permissions import access_room, check_manage_members_permission, is_moderator

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
REQUIRED = reverse("accounts:mfa-required")


def without_mfa(user):
    Authenticator.objects.filter(user=user).delete()
    return user


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def password_login(client: Client, user) -> object:
    return client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})


@pytest.fixture
def request_community(db):
    return CommunityFactory(slug="quiet-room", membership_mode=MembershipMode.REQUEST)


@pytest.fixture
def bare_moderator(request_community):
    """A community moderator who has not set up 2FA."""
    return without_mfa(make_member(request_community, role=MembershipRole.MODERATOR, username="PlainBeacon4"))


@pytest.fixture
def bare_global_moderator(db):
    return without_mfa(UserFactory(username="OpenHarbour2", is_global_moderator=True))


@pytest.fixture
def bare_admin(db):
    return without_mfa(UserFactory(username="OpenLantern9", is_staff=True, is_superuser=True))


class TestPagesAreGated:
    def test_global_moderator_without_2fa_is_sent_to_set_it_up(self, bare_global_moderator):
        client = signed_in(bare_global_moderator)
        response = client.get("/moderation/")
        assert response.status_code == 302
        assert response["Location"] == f"{REQUIRED}?next=%2Fmoderation%2F"
        page = client.get(response["Location"])
        assert page.status_code == 403
        assert "Set up two-factor authentication first" in page.content.decode()
        assert reverse("mfa_activate_totp") in page.content.decode()

    def test_on_call_is_gated(self, bare_global_moderator):
        response = signed_in(bare_global_moderator).get("/on-call/")
        assert response.status_code == 302 and response["Location"].startswith(REQUIRED)

    def test_community_moderator_without_2fa_cannot_manage_their_community(self, bare_moderator, request_community):
        client = signed_in(bare_moderator)
        response = client.get(f"/communities/{request_community.slug}/manage/")
        assert response.status_code == 302 and response["Location"].startswith(REQUIRED)
        assert client.get("/moderation/")["Location"].startswith(REQUIRED)

    def test_community_moderator_without_2fa_does_not_see_held_content(self, bare_moderator, request_community):
        """Until 2FA, a moderator is a member: what only moderators may see stays hidden."""
        assert not is_moderator(bare_moderator, request_community)
        with pytest.raises(MfaRequired):
            check_manage_members_permission(bare_moderator, request_community)

    def test_moderator_with_2fa_uses_their_powers(self, request_community):
        moderator = make_member(request_community, role=MembershipRole.MODERATOR)
        client = signed_in(moderator)
        assert client.get("/moderation/").status_code == 200
        assert client.get(f"/communities/{request_community.slug}/manage/").status_code == 200

    def test_admin_site_needs_2fa(self, bare_admin):
        client = signed_in(bare_admin)
        response = client.get("/admin/", follow=True)
        assert response.redirect_chain[-1][0].startswith(REQUIRED)
        give_mfa(bare_admin)
        assert signed_in(bare_admin).get("/admin/").status_code == 200

    def test_admin_site_sign_in_goes_through_allauth(self, client):
        response = client.get("/admin/login/?next=/admin/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))

    def test_handed_over_support_chat_needs_2fa(self, bare_global_moderator):
        member = UserFactory()
        room = Room.objects.create(kind=RoomKind.SUPPORT, title="Support")
        Participant.objects.create(room=room, user=member, role=ParticipantRole.MEMBER)
        Participant.objects.create(room=room, user=bare_global_moderator, role=ParticipantRole.MODERATOR)
        with pytest.raises(MfaRequired):
            access_room(bare_global_moderator, room.id)
        assert access_room(member, room.id) == room  # the member is never gated


class TestMembersAreNotGated:
    def test_member_without_2fa_reads_and_posts(self, request_community):
        member = make_member(request_community)
        thread = make_thread(request_community, author=member)
        client = signed_in(member)
        assert client.get(f"/threads/{thread.id}/").status_code == 200
        response = client.post(f"/threads/{thread.id}/reply/", {"body": "Thank you, this helps."})
        assert response.status_code in (200, 302)
        assert not response.get("Location", "").startswith(REQUIRED)

    def test_member_is_refused_powers_plainly_not_asked_for_2fa(self, request_community):
        member = make_member(request_community)
        response = signed_in(member).get("/moderation/")
        assert response.status_code == 403
        api = signed_in(member).get("/api/v1/moderation/queue")
        assert api.status_code == 403 and api.json()["code"] == "forbidden"

    def test_listener_is_not_gated(self, request_community):
        listener = make_member(request_community, is_listener=True)
        assert signed_in(listener).get("/listeners/").status_code == 200

    def test_members_may_turn_2fa_on(self, request_community):
        member = make_member(request_community)
        response = signed_in(member).get(reverse("mfa_index"))
        assert response.status_code == 200
        assert "Set up an authenticator app" in response.content.decode()


class TestApi:
    def test_session_without_2fa_gets_mfa_required(self, bare_global_moderator, bare_moderator, request_community):
        response = signed_in(bare_global_moderator).get("/api/v1/moderation/queue")
        assert response.status_code == 403
        assert response.json()["code"] == "mfa_required"
        response = signed_in(bare_moderator).get(f"/api/v1/communities/{request_community.slug}/join-requests")
        assert response.status_code == 403 and response.json()["code"] == "mfa_required"
        assert signed_in(bare_global_moderator).get("/api/v1/me/on-call").json()["code"] == "mfa_required"

    def test_staff_token_works_for_powers_only_with_2fa(self, bare_global_moderator):
        _, secret = create_api_token(bare_global_moderator, name="script")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
        refused = Client().get("/api/v1/moderation/queue", **auth)
        assert refused.status_code == 403 and refused.json()["code"] == "mfa_required"
        assert Client().get("/api/v1/me", **auth).status_code == 200  # member features still work
        give_mfa(bare_global_moderator)
        assert Client().get("/api/v1/moderation/queue", **auth).status_code == 200


class TestSignInWithTwoFactors:
    def test_sign_in_asks_for_the_code_then_powers_work(self, request_community):
        moderator = make_member(request_community, role=MembershipRole.MODERATOR)
        client = Client()
        response = password_login(client, moderator)
        assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
        # Password alone signs nobody in.
        assert client.get("/moderation/")["Location"].startswith(reverse("account_login"))
        page = client.get(reverse("mfa_authenticate"))
        assert "One more step" in page.content.decode()
        wrong = client.post(reverse("mfa_authenticate"), {"code": "000000" if totp_code() != "000000" else "111111"})
        assert wrong.status_code == 200
        assert client.get("/moderation/")["Location"].startswith(reverse("account_login"))
        done = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
        assert done.status_code == 302
        assert client.get("/moderation/").status_code == 200

    def test_password_only_session_of_an_account_with_2fa_is_gated(self, request_community):
        """2FA added on another device: this older password-only sign-in must confirm a code first."""
        moderator = make_member(request_community, role=MembershipRole.MODERATOR)
        client = signed_in(moderator)
        session = client.session
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "password", "at": time.time()}]
        session["account_authentication_methods_user"] = str(moderator.pk)
        session.save()
        response = client.get("/moderation/")
        assert response["Location"].startswith(REQUIRED)
        page = client.get(response["Location"])
        assert "Confirm it" in page.content.decode() and reverse("mfa_reauthenticate") in page.content.decode()
        api = client.get("/api/v1/moderation/queue")
        assert api.json()["code"] == "mfa_required"

    @pytest.mark.django_db(transaction=True)  # allauth announces the new app on commit, within the request
    def test_enrolling_totp_through_the_pages_unlocks_powers(self, bare_global_moderator):
        client = Client()
        assert password_login(client, bare_global_moderator).status_code == 302  # no 2FA yet: signed in
        assert client.get("/moderation/")["Location"].startswith(REQUIRED)
        # Adding a second factor asks for the password again, as allauth does.
        assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(reverse("account_reauthenticate"))
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        page = client.get(reverse("mfa_activate_totp"))
        assert page.status_code == 200
        secret = page.context["form"].secret
        assert secret in page.content.decode()
        code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
        response = client.post(reverse("mfa_activate_totp"), {"code": code})
        assert response.status_code == 302
        assert Authenticator.objects.filter(user=bare_global_moderator, type=Authenticator.Type.TOTP).exists()
        # Enrolling proved the second factor: this session may now moderate.
        assert client.get("/moderation/").status_code == 200
        assert client.get(REQUIRED).status_code == 200

    def test_mfa_verified_follows_the_session(self, request_community):
        moderator = make_member(request_community, role=MembershipRole.MODERATOR)
        assert mfa_verified(moderator)  # no request: the account's 2FA counts
        client = signed_in(moderator)
        session = client.session
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "password", "at": time.time()}]
        session["account_authentication_methods_user"] = str(moderator.pk)
        assert not mfa_verified(attach_session(type(moderator).objects.get(pk=moderator.pk), session))
        session[AUTHENTICATION_METHODS_SESSION_KEY].append({"method": "mfa", "type": "totp", "at": time.time()})
        assert mfa_verified(attach_session(type(moderator).objects.get(pk=moderator.pk), session))


def test_post_history_of_others_needs_2fa(bare_moderator, request_community):
    author = make_member(request_community)
    post = opening_post(make_thread(request_community, author=author))
    response = signed_in(bare_moderator).get(f"/posts/{post.id}/history/")
    assert response.status_code == 302 and response["Location"].startswith(REQUIRED)


@pytest.mark.django_db(transaction=True)
def test_socket_of_a_moderator_without_2fa_cannot_open_a_handed_over_chat():
    from channels.layers import channel_layers

    from hearth.chat.tests.helpers import connect, run

    channel_layers.backends.clear()
    member = UserFactory()
    moderator = without_mfa(UserFactory(is_global_moderator=True))
    room = Room.objects.create(kind=RoomKind.SUPPORT, title="Support")
    Participant.objects.create(room=room, user=member, role=ParticipantRole.MEMBER)
    Participant.objects.create(room=room, user=moderator, role=ParticipantRole.MODERATOR)

    async def scenario(user):
        socket = await connect(user, room, welcome=False)
        frame = await socket.receive()
        await socket.close()
        return frame

    assert run(lambda: scenario(moderator))["code"] == "forbidden"
    give_mfa(moderator)
    assert run(lambda: scenario(moderator))["type"] == "welcome"
    channel_layers.backends.clear()


def test_demo_moderators_have_the_published_authenticator_key(settings):
    from io import StringIO

    from django.core.management import call_command

    from hearth.core.management.commands.seed_demo import DEMO_TOTP_SECRET, GLOBAL_MODERATOR

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    harbour = User.objects.get(username=GLOBAL_MODERATOR)
    assert Authenticator.objects.filter(user=harbour, type=Authenticator.Type.TOTP).exists()
    member = User.objects.get(username="QuietFern")
    assert not Authenticator.objects.filter(user=member).exists()  # members choose for themselves
    out = StringIO()
    call_command("demo_code", stdout=out)
    assert out.getvalue().split()[0] in {
        format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30 + step)) for step in (-1, 0)
    }
