from __future__ import annotations

import pytest
from django.test import Client

from hearth.accounts.services import create_api_token
from hearth.api.tests.helpers import bearer, get, post, send
from hearth.core.testing.factories import CommunityFactory, make_member
from hearth.moderation.models import QueueStatus
from hearth.oncall.models import Alert, Shift, ShiftRole
from hearth.oncall.services import go_on_duty
from hearth.oncall.tests.helpers import SECRET_WORDS, urgent_post


def put(client: Client, path: str, data, **extra):
    return send(client, "put", path, data, **extra)


@pytest.mark.django_db
class TestDuty:
    def test_a_moderator_goes_on_call_and_off_again(self, moderator, moderator_client, community):
        assert get(moderator_client, "/me/on-call").json()["on_duty"] is False
        response = put(
            moderator_client,
            "/me/on-call",
            {"on_duty": True, "role": "backup", "community": community.slug, "hours": 2},
        )
        assert response.status_code == 200
        duty = response.json()
        assert duty["on_duty"] is True
        assert duty["role"] == "backup"
        assert duty["community"] == {"slug": community.slug, "name": community.name}
        assert get(moderator_client, "/me/on-call").json() == duty
        response = put(moderator_client, "/me/on-call", {"on_duty": False})
        assert response.json() == {
            "on_duty": False,
            "role": None,
            "community": None,
            "starts_at": None,
            "ends_at": None,
        }

    def test_with_an_api_token(self, moderator):
        _, secret = create_api_token(moderator, name="phone")
        response = put(Client(), "/me/on-call", {"on_duty": True, "hours": 1}, **bearer(secret))
        assert response.status_code == 200
        assert response.json()["community"] is None

    def test_members_are_refused(self, member_client, community):
        assert get(member_client, "/me/on-call").status_code == 403
        response = put(member_client, "/me/on-call", {"on_duty": True, "hours": 1})
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        assert (
            put(member_client, "/me/on-call", {"on_duty": True, "community": community.slug, "hours": 1}).status_code
            == 403
        )
        assert put(member_client, "/me/on-call", {"on_duty": False}).status_code == 403
        assert get(member_client, "/me/on-call/alerts").status_code == 403
        assert not Shift.objects.exists()

    def test_not_for_another_community(self, moderator_client):
        other = CommunityFactory()
        response = put(moderator_client, "/me/on-call", {"on_duty": True, "community": other.slug, "hours": 1})
        assert response.status_code == 403

    def test_an_unknown_community_is_not_found(self, moderator_client):
        response = put(moderator_client, "/me/on-call", {"on_duty": True, "community": "nowhere", "hours": 1})
        assert response.status_code == 404

    @pytest.mark.parametrize("body", [{"on_duty": True, "hours": 0}, {"on_duty": True, "hours": 48}])
    def test_a_shift_has_a_sensible_length(self, moderator_client, body):
        response = put(moderator_client, "/me/on-call", body)
        assert response.status_code == 400
        assert response.json()["code"] == "shift_length"

    def test_an_unknown_role_is_a_validation_error(self, moderator_client):
        response = put(moderator_client, "/me/on-call", {"on_duty": True, "role": "chief", "hours": 1})
        assert response.status_code == 422

    def test_the_session_needs_the_csrf_token(self, moderator, csrf_client_for):
        response = put(csrf_client_for(moderator), "/me/on-call", {"on_duty": True, "hours": 1})
        assert response.status_code == 403
        assert response.json()["code"] == "csrf_failed"

    def test_visitors_are_asked_to_sign_in(self, client):
        assert get(client, "/me/on-call/alerts").status_code == 401


@pytest.mark.django_db
class TestAlerts:
    def test_list_and_acknowledge(self, moderator, moderator_client, community):
        go_on_duty(moderator, role=ShiftRole.PRIMARY, hours=1)
        _, item = urgent_post(community)
        response = get(moderator_client, "/me/on-call/alerts")
        assert response.status_code == 200
        [alert] = response.json()
        assert alert["item_id"] == item.id
        assert alert["item_url"] == f"/moderation/items/{item.id}/"
        assert alert["risk_level"] == "imminent"
        assert alert["tier"] == "primary"
        assert alert["held"] is True
        assert alert["acknowledged_at"] is None
        assert SECRET_WORDS not in response.content.decode()
        assert "HopefulFinch9" not in response.content.decode()

        response = post(moderator_client, f"/me/on-call/alerts/{alert['id']}/acknowledge")
        assert response.status_code == 200
        assert response.json()["acknowledged_at"] is not None
        item.refresh_from_db()
        assert (item.status, item.claimed_by) == (QueueStatus.CLAIMED, moderator)
        assert get(moderator_client, "/me/on-call/alerts").json() == []
        again = post(moderator_client, f"/me/on-call/alerts/{alert['id']}/acknowledge")
        assert again.status_code == 409
        assert again.json()["code"] == "already_acknowledged"

    def test_someone_else_s_alert_is_not_found(self, moderator, community, member_client):
        go_on_duty(moderator, hours=1)
        _, item = urgent_post(community)
        alert = Alert.objects.get(item=item)
        colleague = make_member(community, role="moderator")
        client = Client()
        client.force_login(colleague)
        assert post(client, f"/me/on-call/alerts/{alert.id}/acknowledge").status_code == 404
        assert post(member_client, f"/me/on-call/alerts/{alert.id}/acknowledge").status_code == 404
        assert post(client, "/me/on-call/alerts/999999/acknowledge").status_code == 404

    def test_listing_costs_the_same_for_one_or_many(
        self, moderator, moderator_client, community, django_assert_num_queries
    ):
        go_on_duty(moderator, hours=1)
        urgent_post(community)
        # session · user · memberships (may they be on call) · their 2FA · alerts with their items and communities
        with django_assert_num_queries(5):
            get(moderator_client, "/me/on-call/alerts")
        for _ in range(4):
            urgent_post(community, author=make_member(community))
        with django_assert_num_queries(5):
            assert len(get(moderator_client, "/me/on-call/alerts").json()) == 5
