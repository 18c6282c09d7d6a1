from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hearth.communities.models import Membership, MembershipRole
from hearth.core.errors import ApplicationError, ConflictError
from hearth.core.testing.factories import CommunityFactory, make_member
from hearth.oncall.models import Alert, AlertTier, Shift, ShiftRole
from hearth.oncall.selectors import current_shift, on_duty_moderators, open_alerts
from hearth.oncall.services import acknowledge_alert, go_off_duty, go_on_duty
from hearth.oncall.tests.helpers import urgent_post
from hearth.permissions import forget_memberships


@pytest.mark.django_db
class TestDuty:
    def test_a_moderator_goes_on_duty_for_a_set_time_and_off_again(self, moderator, community):
        shift = go_on_duty(moderator, role=ShiftRole.BACKUP, community=community, hours=4)
        assert shift.ends_at - shift.starts_at == timedelta(hours=4)
        assert current_shift(moderator) == shift
        assert go_off_duty(moderator) == 1
        assert current_shift(moderator) is None

    def test_going_on_duty_again_replaces_the_current_shift(self, moderator):
        go_on_duty(moderator, hours=2)
        second = go_on_duty(moderator, role=ShiftRole.BACKUP, hours=1)
        assert current_shift(moderator) == second
        assert Shift.objects.filter(moderator=moderator, ends_at__gt=timezone.now()).count() == 1

    def test_going_off_duty_also_drops_shifts_scheduled_for_later(self, moderator):
        later = timezone.now() + timedelta(hours=3)
        Shift.objects.create(moderator=moderator, starts_at=later, ends_at=later + timedelta(hours=1))
        assert go_off_duty(moderator) == 1
        assert not Shift.objects.exists()

    def test_a_member_cannot_go_on_duty(self, member, community):
        with pytest.raises(PermissionDenied):
            go_on_duty(member, hours=1)
        with pytest.raises(PermissionDenied):
            go_on_duty(member, community=community, hours=1)
        assert not Shift.objects.exists()

    def test_a_moderator_cannot_go_on_duty_for_a_community_they_do_not_moderate(self, moderator):
        with pytest.raises(PermissionDenied):
            go_on_duty(moderator, community=CommunityFactory(), hours=1)

    def test_a_global_moderator_can_cover_any_community(self, global_moderator):
        assert go_on_duty(global_moderator, community=CommunityFactory(), hours=1).community is not None

    @pytest.mark.parametrize("hours", [0, -1, 13, 100])
    def test_shifts_are_between_one_hour_and_the_maximum(self, moderator, hours):
        with pytest.raises(ApplicationError):
            go_on_duty(moderator, hours=hours)

    def test_the_role_must_be_primary_or_backup(self, moderator):
        with pytest.raises(ApplicationError):
            go_on_duty(moderator, role="boss", hours=1)


@pytest.mark.django_db
class TestWhoIsAlerted:
    def test_a_global_shift_covers_only_the_communities_the_moderator_moderates(self, moderator, community):
        other = CommunityFactory()
        go_on_duty(moderator, hours=1)
        assert on_duty_moderators(community, role=ShiftRole.PRIMARY) == [moderator]
        assert on_duty_moderators(other, role=ShiftRole.PRIMARY) == []

    def test_a_shift_for_one_community_does_not_cover_another(self, moderator, community):
        other = CommunityFactory()
        Membership.objects.create(user=moderator, community=other, role=MembershipRole.MODERATOR)
        forget_memberships(moderator)
        go_on_duty(moderator, community=other, hours=1)
        assert on_duty_moderators(community, role=ShiftRole.PRIMARY) == []
        assert on_duty_moderators(other, role=ShiftRole.PRIMARY) == [moderator]

    def test_someone_who_stopped_moderating_hears_nothing_more(self, moderator, community):
        go_on_duty(moderator, community=community, hours=1)
        Membership.objects.filter(user=moderator, community=community).update(role=MembershipRole.MEMBER)
        assert on_duty_moderators(community, role=ShiftRole.PRIMARY) == []
        urgent_post(community)
        assert not Alert.objects.filter(recipient=moderator, tier=AlertTier.PRIMARY).exists()

    def test_a_deactivated_moderator_is_not_alerted(self, moderator, community):
        go_on_duty(moderator, hours=1)
        moderator.is_active = False
        moderator.save(update_fields=["is_active"])
        assert on_duty_moderators(community, role=ShiftRole.PRIMARY) == []

    def test_a_shift_given_to_a_member_by_hand_never_alerts_them(self, member, community):
        Shift.objects.create(moderator=member, ends_at=timezone.now() + timedelta(hours=1))
        assert on_duty_moderators(community, role=ShiftRole.PRIMARY) == []

    def test_an_item_is_alerted_once_however_often_it_is_raised(self, moderator, community):
        from hearth.oncall.services import alert_on_call

        go_on_duty(moderator, hours=1)
        _, item = urgent_post(community)
        assert alert_on_call(item) == []
        assert Alert.objects.filter(item=item).count() == 1

    def test_every_primary_on_duty_is_alerted(self, moderator, community, global_moderator):
        go_on_duty(moderator, hours=1)
        go_on_duty(global_moderator, community=community, hours=1)
        _, item = urgent_post(community)
        assert set(Alert.objects.filter(item=item).values_list("recipient", flat=True)) == {
            moderator.id,
            global_moderator.id,
        }


@pytest.mark.django_db
class TestAcknowledge:
    def test_acknowledging_one_alert_acknowledges_the_item_for_everyone(self, moderator, community, global_moderator):
        go_on_duty(moderator, hours=1)
        go_on_duty(global_moderator, hours=1)
        _, item = urgent_post(community)
        mine = Alert.objects.get(item=item, recipient=moderator)
        assert [a.id for a in open_alerts(global_moderator)] == [
            Alert.objects.get(item=item, recipient=global_moderator).id
        ]
        acknowledge_alert(moderator, mine)
        assert open_alerts(moderator) == []
        assert open_alerts(global_moderator) == []
        assert not Alert.objects.filter(item=item, acknowledged_at__isnull=True).exists()

    def test_an_alert_is_acknowledged_once(self, moderator, community):
        go_on_duty(moderator, hours=1)
        _, item = urgent_post(community)
        alert = Alert.objects.get(item=item)
        acknowledge_alert(moderator, alert)
        alert.refresh_from_db()
        with pytest.raises(ConflictError):
            acknowledge_alert(moderator, alert)

    def test_nobody_acknowledges_someone_else_s_alert(self, moderator, community):
        go_on_duty(moderator, hours=1)
        _, item = urgent_post(community)
        other = make_member(community, role=MembershipRole.MODERATOR)
        with pytest.raises(PermissionDenied):
            acknowledge_alert(other, Alert.objects.get(item=item))

    def test_a_former_moderator_cannot_acknowledge(self, moderator, community):
        go_on_duty(moderator, hours=1)
        _, item = urgent_post(community)
        Membership.objects.filter(user=moderator, community=community).update(role=MembershipRole.MEMBER)
        forget_memberships(moderator)
        with pytest.raises(PermissionDenied):
            acknowledge_alert(moderator, Alert.objects.get(item=item))

    def test_acknowledging_an_item_someone_else_claimed_still_acknowledges(self, moderator, community):
        from hearth.moderation.services import claim_item

        go_on_duty(moderator, hours=1)
        _, item = urgent_post(community)
        colleague = make_member(community, role=MembershipRole.MODERATOR)
        claim_item(colleague, item)
        alert = acknowledge_alert(moderator, Alert.objects.get(item=item))
        assert alert.acknowledged_by == moderator
        item.refresh_from_db()
        assert item.claimed_by == colleague
