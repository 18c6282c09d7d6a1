from __future__ import annotations

import pytest
from django.urls import reverse

from hearth.communities.models import MembershipRole
from hearth.core.testing.factories import CommunityFactory, make_member
from hearth.moderation.models import QueueStatus
from hearth.oncall.models import Alert, Shift, ShiftRole
from hearth.oncall.services import go_on_duty
from hearth.oncall.tests.helpers import SECRET_WORDS, urgent_post

URL = "/on-call/"


def ack_url(alert: Alert) -> str:
    return reverse("oncall:acknowledge", kwargs={"alert_id": alert.id})


@pytest.mark.django_db
class TestOnCallPage:
    def test_visitors_are_sent_to_sign_in(self, client):
        response = client.get(URL)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_members_cannot_see_it(self, member_client, outsider_client):
        assert member_client.get(URL).status_code == 403
        assert outsider_client.get(URL).status_code == 403

    def test_members_cannot_go_on_duty(self, member, member_client):
        response = member_client.post(URL, {"action": "on", "role": "primary", "community": "", "hours": "1"})
        assert response.status_code == 403
        assert not Shift.objects.exists()

    def test_moderators_see_the_link_members_do_not(self, moderator_client, member_client):
        assert URL in moderator_client.get("/").content.decode()
        assert URL not in member_client.get("/").content.decode()

    def test_a_moderator_goes_on_and_off_duty(self, moderator, moderator_client, community):
        response = moderator_client.get(URL)
        assert response.status_code == 200
        assert "You're off duty." in response.content.decode()
        response = moderator_client.post(
            URL, {"action": "on", "role": "backup", "community": community.slug, "hours": "4"}
        )
        assert response.status_code == 302
        shift = Shift.objects.get(moderator=moderator)
        assert (shift.role, shift.community) == (ShiftRole.BACKUP, community)
        page = moderator_client.get(URL).content.decode()
        assert "on call as <strong>backup</strong> for Anxiety &amp; Depression" in page
        assert moderator_client.post(URL, {"action": "off"}).status_code == 302
        assert "You're off duty." in moderator_client.get(URL).content.decode()

    def test_a_moderator_cannot_go_on_duty_for_another_community(self, moderator, moderator_client):
        other = CommunityFactory()
        response = moderator_client.post(
            URL, {"action": "on", "role": "primary", "community": other.slug, "hours": "1"}
        )
        assert response.status_code == 403
        assert not Shift.objects.exists()

    @pytest.mark.parametrize(
        "data",
        [
            {"action": "on", "role": "primary", "community": "", "hours": "lots"},
            {"action": "on", "role": "primary", "community": "", "hours": "99"},
            {"action": "on", "role": "chief", "community": "", "hours": "1"},
            {"action": "on", "role": "primary", "community": "no-such-place", "hours": "1"},
            {"action": "dance"},
        ],
    )
    def test_bad_input_is_explained_not_a_crash(self, moderator_client, data):
        response = moderator_client.post(URL, data)
        assert response.status_code == 400
        assert 'class="form-error"' in response.content.decode()
        assert not Shift.objects.exists()

    def test_going_on_duty_needs_the_csrf_token(self, moderator, csrf_client_for):
        client = csrf_client_for(moderator)
        response = client.post(URL, {"action": "on", "role": "primary", "community": "", "hours": "1"})
        assert response.status_code == 403
        assert not Shift.objects.exists()

    def test_alerts_are_listed_without_the_post(self, moderator, moderator_client, community):
        go_on_duty(moderator, hours=1)
        _, item = urgent_post(community)
        page = moderator_client.get(URL).content.decode()
        assert "Risk: Imminent" in page
        assert reverse("moderation:item", args=[item.id]) in page
        assert ack_url(Alert.objects.get(item=item)) in page
        assert SECRET_WORDS not in page

    def test_the_page_costs_the_same_for_one_or_many_alerts(
        self, moderator, moderator_client, community, django_assert_num_queries
    ):
        go_on_duty(moderator, hours=1)
        urgent_post(community)
        # session · user · memberships (nav: moderator anywhere; cached on the user for the rest) · unread
        # notifications count (nav) · current shift · open alerts (with items and communities) · communities
        # for the form · their 2FA (moderator powers need it; cached on the user)
        with django_assert_num_queries(8):
            assert moderator_client.get(URL).status_code == 200
        for _ in range(5):
            urgent_post(community, author=make_member(community))
        with django_assert_num_queries(8):
            response = moderator_client.get(URL)
        assert response.content.decode().count("Acknowledge and claim") == 6


@pytest.mark.django_db
class TestAcknowledge:
    def test_acknowledging_claims_the_item_and_opens_it(self, moderator, moderator_client, community):
        go_on_duty(moderator, hours=1)
        _, item = urgent_post(community)
        alert = Alert.objects.get(item=item)
        response = moderator_client.post(ack_url(alert))
        assert response.status_code == 302
        assert response["Location"] == reverse("moderation:item", args=[item.id])
        alert.refresh_from_db()
        item.refresh_from_db()
        assert alert.acknowledged_by == moderator
        assert (item.status, item.claimed_by) == (QueueStatus.CLAIMED, moderator)
        assert "Nothing urgent is waiting for you." in moderator_client.get(URL).content.decode()

    def test_acknowledging_twice_is_explained(self, moderator, moderator_client, community):
        go_on_duty(moderator, hours=1)
        _, item = urgent_post(community)
        alert = Alert.objects.get(item=item)
        moderator_client.post(ack_url(alert))
        response = moderator_client.post(ack_url(alert), follow=True)
        assert "already acknowledged" in response.content.decode()

    def test_it_is_post_only(self, moderator, moderator_client, community):
        go_on_duty(moderator, hours=1)
        _, item = urgent_post(community)
        assert moderator_client.get(ack_url(Alert.objects.get(item=item))).status_code == 405

    def test_it_needs_the_csrf_token(self, moderator, community, csrf_client_for):
        go_on_duty(moderator, hours=1)
        _, item = urgent_post(community)
        alert = Alert.objects.get(item=item)
        assert csrf_client_for(moderator).post(ack_url(alert)).status_code == 403
        alert.refresh_from_db()
        assert alert.acknowledged_at is None

    def test_someone_else_s_alert_is_not_found(self, moderator, community, member_client, client):
        go_on_duty(moderator, hours=1)
        _, item = urgent_post(community)
        alert = Alert.objects.get(item=item)
        colleague = make_member(community, role=MembershipRole.MODERATOR)
        client.force_login(colleague)
        assert client.post(ack_url(alert)).status_code == 404
        assert member_client.post(ack_url(alert)).status_code == 404
        assert client.post(reverse("oncall:acknowledge", kwargs={"alert_id": 999999})).status_code == 404
        alert.refresh_from_db()
        assert alert.acknowledged_at is None
