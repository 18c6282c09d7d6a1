"""1:1 support end to end through the services: training, queue, matching, ending, rating, handing over."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hearth.chat.models import Participant, Room, RoomKind
from hearth.chat.services import send_message
from hearth.core.errors import ApplicationError, ConflictError
from hearth.core.testing.factories import UserFactory
from hearth.listeners import training
from hearth.listeners.models import ListenerStatus, RequestStatus, TrainingProgress
from hearth.listeners.selectors import is_trained, queue_for, waiting_state
from hearth.listeners.services import (
    accept_request,
    cancel_request,
    end_chat,
    hand_over,
    mark_lesson_read,
    rate_chat,
    request_listener,
    set_availability,
    submit_quiz,
)
from hearth.listeners.tests.conftest import make_listener
from hearth.moderation.models import ActionKind, AuditLogEntry
from hearth.notifications.models import Notification
from hearth.permissions import access_room

pytestmark = pytest.mark.django_db

ALL_RIGHT = {q.id: q.answer for q in training.QUIZ}


class TestTraining:
    def test_the_quiz_needs_every_lesson_read_first(self, member):
        with pytest.raises(ApplicationError, match="Read every lesson"):
            submit_quiz(member, ALL_RIGHT)

    def test_passing_grants_the_badge_and_failing_does_not(self, member, other_member):
        for person in (member, other_member):
            for lesson in training.LESSONS:
                mark_lesson_read(person, lesson.slug)
        wrong = {q.id: (q.answer + 1) % len(q.options) for q in training.QUIZ}
        assert not submit_quiz(other_member, wrong).passed
        assert not is_trained(other_member)
        assert submit_quiz(member, ALL_RIGHT).passed
        member.refresh_from_db()
        assert member.is_listener and is_trained(member)

    def test_the_badge_lapses_after_a_year(self, listener):
        TrainingProgress.objects.filter(user=listener).update(passed_at=timezone.now() - timedelta(days=366))
        assert not is_trained(listener)
        with pytest.raises(PermissionDenied):
            set_availability(listener, status="available", topics=[], languages=["en"])


class TestQueue:
    def test_a_request_is_offered_to_matching_available_listeners(self, member):
        anxious = make_listener("CalmRiver10", topics=["anxiety"])
        grief = make_listener("SoftRain11", topics=["grief"])
        away = make_listener("QuietHill12", status=ListenerStatus.AWAY)
        request = request_listener(member, topics=["anxiety"], language="en")
        told = set(Notification.objects.filter(kind="listener_request").values_list("user__username", flat=True))
        assert told == {anxious.username}
        assert queue_for(anxious) == [request]
        assert queue_for(grief) == []
        assert queue_for(away) == [request]  # they can see it; they must be available to accept

    def test_place_in_the_queue_and_crisis_lines_when_nobody_is_free(self, member, other_member, listener):
        first = request_listener(other_member, topics=[], language="en")
        second = request_listener(member, topics=[], language="en")
        assert waiting_state(first).position == 1
        state = waiting_state(second)
        assert state.position == 2 and state.listeners_available == 1
        set_availability(listener, status="away", topics=[], languages=["en"])
        assert waiting_state(second).offer_crisis_lines

    def test_one_open_request_at_a_time(self, member):
        request_listener(member, topics=[], language="en")
        with pytest.raises(ConflictError):
            request_listener(member, topics=[], language="en")

    def test_members_can_leave_the_queue(self, member):
        request = request_listener(member, topics=[], language="en")
        assert cancel_request(member, request).status == RequestStatus.CANCELLED


class TestChat:
    def test_accepting_opens_a_private_room_for_the_two_of_them(self, member, listener, admin_user):
        request = accept_request(listener, request_listener(member, topics=[], language="en"))
        assert request.status == RequestStatus.ACTIVE and request.room.kind == RoomKind.SUPPORT
        assert set(Participant.objects.filter(room=request.room).values_list("user_id", flat=True)) == {
            member.id,
            listener.id,
        }
        assert access_room(member, request.room_id) and access_room(listener, request.room_id)
        with pytest.raises(Exception, match="find"):
            access_room(admin_user, request.room_id)
        assert Notification.objects.filter(user=member, kind="listener_found").exists()

    def test_only_one_listener_gets_the_chat(self, member, listener):
        second = make_listener("CalmRiver10")
        request = request_listener(member, topics=[], language="en")
        accept_request(listener, request)
        with pytest.raises(ConflictError):
            accept_request(second, request)

    def test_listeners_cannot_take_their_own_request_or_exceed_their_capacity(self, member, other_member, listener):
        own = request_listener(listener, topics=[], language="en")
        with pytest.raises(PermissionDenied):
            accept_request(listener, own)
        cancel_request(listener, own)
        accept_request(listener, request_listener(member, topics=[], language="en"))
        with pytest.raises(ConflictError):
            accept_request(listener, request_listener(other_member, topics=[], language="en"))

    def test_either_side_ends_then_nobody_writes_and_the_member_rates_once(self, member, listener):
        request = accept_request(listener, request_listener(member, topics=[], language="en"))
        room = Room.objects.get(id=request.room_id)
        send_message(member, room, body="thank you for listening", client_id="support-0001")
        with pytest.raises(ConflictError):
            rate_chat(member, request, rating=5)
        end_chat(listener, request)
        room.refresh_from_db()
        with pytest.raises(PermissionDenied, match="ended"):
            send_message(member, room, body="one more thing", client_id="support-0002")
        with pytest.raises(PermissionDenied):
            rate_chat(listener, request, rating=5)
        assert rate_chat(member, request, rating=4).rating == 4
        with pytest.raises(ConflictError):
            rate_chat(member, request, rating=1)

    def test_handing_over_brings_in_a_moderator_sends_help_and_is_logged(self, member, listener, global_moderator):
        request = accept_request(listener, request_listener(member, topics=[], language="en"))
        with pytest.raises(ApplicationError):
            hand_over(listener, request, reason="  ")
        hand_over(listener, request, reason="They talked about ending their life tonight.")
        request.refresh_from_db()
        assert request.handed_over_to == global_moderator
        assert access_room(global_moderator, request.room_id)
        assert Notification.objects.filter(user=member, kind="crisis_help").exists()
        assert Notification.objects.filter(user=global_moderator, kind="support_handed_over").exists()
        assert AuditLogEntry.objects.filter(action=ActionKind.HAND_OVER, actor=listener, subject=member).exists()
        with pytest.raises(PermissionDenied):
            hand_over(UserFactory(username="NosyNewt99"), request, reason="x")
