"""1:1 support: training, availability, asking for a listener, accepting, ending, rating and handing over.

A member asks; matching listeners who are available see the request in their queue (and are told at once);
the first to accept opens a private 1:1 chat room with the member. Only the two of them can read it, and a
moderator only once the listener hands the chat over (the "Refer" step of the training)."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.models import User
from hearth.chat import events as chat_events
from hearth.chat.models import Participant, ParticipantRole, Room, RoomKind
from hearth.core.errors import ApplicationError, ConflictError
from hearth.lib.ratelimit import check_rate_limit
from hearth.listeners import training
from hearth.listeners.models import (
    Language,
    ListenerProfile,
    ListenerStatus,
    RequestStatus,
    SupportRequest,
    SupportTopic,
    TrainingProgress,
)
from hearth.listeners.selectors import available_listeners_for, is_trained, open_request_of
from hearth.moderation.models import ActionKind
from hearth.moderation.services import clean_reason, log_action
from hearth.notifications.services import notify
from hearth.oncall.models import ShiftRole
from hearth.oncall.selectors import fallback_moderators, on_duty_moderators

MAX_CHATS = 3


# --- Training -------------------------------------------------------------------------------------------


def progress_of(user: User) -> TrainingProgress:
    progress, _ = TrainingProgress.objects.get_or_create(user=user)
    return progress


def mark_lesson_read(user: User, slug: str) -> TrainingProgress:
    if training.lesson(slug) is None:
        raise ApplicationError("There's no such lesson.", code="unknown_lesson")
    progress = progress_of(user)
    if slug not in progress.lessons_read:
        progress.lessons_read = [*progress.lessons_read, slug]
        progress.save(update_fields=["lessons_read"])
    return progress


@transaction.atomic
def submit_quiz(user: User, answers: Mapping[str, int]) -> training.QuizResult:
    """Grade the quiz. Passing grants the listener badge for a year (the lessons must be read first)."""
    progress = progress_of(user)
    unread = [lesson.title for lesson in training.LESSONS if lesson.slug not in progress.lessons_read]
    if unread:
        raise ApplicationError(f"Read every lesson before the quiz. Still to read: {', '.join(unread)}.", code="unread")
    result = training.grade(answers)
    progress.attempts += 1
    progress.last_score = result.score
    fields = ["attempts", "last_score"]
    if result.passed:
        progress.passed_at = timezone.now()
        fields.append("passed_at")
        User.objects.filter(id=user.id).update(is_listener=True)
        user.is_listener = True
        ListenerProfile.objects.get_or_create(user=user, defaults={"languages": [Language.EN]})
        notify(
            user,
            kind="listener_trained",
            title="You're a trained listener now. Thank you",
            body="Set yourself available when you have time, and members who want to talk will find you.",
            url=reverse("listeners:dashboard"),
        )
    progress.save(update_fields=fields)
    return result


# --- Listeners ------------------------------------------------------------------------------------------


def check_listener(user: User) -> ListenerProfile:
    if not is_trained(user):
        raise PermissionDenied("Complete the listener training (or renew it: it lasts a year) to listen.")
    profile, _ = ListenerProfile.objects.get_or_create(user=user, defaults={"languages": [Language.EN]})
    return profile


def clean_choices(values: list[str], allowed: list[str], *, what: str) -> list[str]:
    unknown = set(values) - set(allowed)
    if unknown:
        raise ApplicationError(f"Unknown {what}: {sorted(unknown)[0]}.", code=f"unknown_{what.replace(' ', '_')}")
    return [v for v in allowed if v in set(values)]


@transaction.atomic
def set_availability(
    user: User, *, status: str, topics: list[str], languages: list[str], max_chats: int = 1
) -> ListenerProfile:
    profile = check_listener(user)
    if status not in ListenerStatus.values:
        raise ApplicationError("Choose available or away.", code="unknown_status")
    languages = clean_choices(languages, Language.values, what="language")
    if not languages:
        raise ApplicationError("Choose at least one language you can chat in.", code="no_language")
    if not 1 <= max_chats <= MAX_CHATS:
        raise ApplicationError(f"Take 1 to {MAX_CHATS} chats at a time.", code="bad_max_chats")
    if profile.status != status:
        profile.status_changed_at = timezone.now()
    profile.status = status
    profile.topics = clean_choices(topics, SupportTopic.values, what="topic")
    profile.languages = languages
    profile.max_chats = max_chats
    profile.save()
    return profile


# --- Members asking for a listener ------------------------------------------------------------------------


@transaction.atomic
def request_listener(member: User, *, topics: list[str], language: str) -> SupportRequest:
    """Join the queue. Matching listeners who are available are told at once."""
    if open_request_of(member) is not None:
        raise ConflictError("You're already waiting for, or talking with, a listener.", code="already_open")
    topics = clean_choices(topics, SupportTopic.values, what="topic")
    if language not in Language.values:
        raise ApplicationError("Choose a language from the list.", code="unknown_language")
    check_rate_limit("support_request", key=str(member.id))
    try:
        with transaction.atomic():
            request = SupportRequest.objects.create(member=member, topics=topics, language=language)
    except IntegrityError as exc:  # a second request sent at the same moment
        raise ConflictError("You're already waiting for a listener.", code="already_open") from exc
    for listener in available_listeners_for(request, exclude=member):
        notify(
            listener,
            kind="listener_request",
            title="Someone would like to talk",
            body="A member is waiting for a listener. Open your listener page to accept.",
            url=reverse("listeners:dashboard"),
        )
    return request


@transaction.atomic
def cancel_request(member: User, request: SupportRequest) -> SupportRequest:
    if request.member_id != member.id:
        raise PermissionDenied("This isn't your request.")
    updated = SupportRequest.objects.filter(id=request.id, status=RequestStatus.WAITING).update(
        status=RequestStatus.CANCELLED, ended_at=timezone.now(), ended_by=member
    )
    if not updated:
        raise ConflictError("This request is no longer waiting.", code="not_waiting")
    request.refresh_from_db()
    return request


@transaction.atomic
def accept_request(listener: User, request: SupportRequest) -> SupportRequest:
    """Take a waiting request: the first listener to accept opens the 1:1 chat."""
    profile = check_listener(listener)
    if request.member_id == listener.id:
        raise PermissionDenied("You can't take your own request.")
    if profile.status != ListenerStatus.AVAILABLE:
        raise PermissionDenied("Set yourself available to accept chats.")
    active = SupportRequest.objects.filter(listener=listener, status=RequestStatus.ACTIVE).count()
    if active >= profile.max_chats:
        raise ConflictError("You're already in as many chats as you chose to take.", code="at_capacity")
    now = timezone.now()
    updated = SupportRequest.objects.filter(id=request.id, status=RequestStatus.WAITING).update(
        status=RequestStatus.ACTIVE, listener=listener, matched_at=now
    )
    if not updated:
        raise ConflictError("Another listener has just taken this chat, or it was cancelled.", code="taken")
    room = Room.objects.create(kind=RoomKind.SUPPORT, title="1:1 support chat", created_by=listener)
    Participant.objects.bulk_create(
        [
            Participant(room=room, user_id=request.member_id, role=ParticipantRole.MEMBER, joined_at=now),
            Participant(room=room, user=listener, role=ParticipantRole.LISTENER, joined_at=now),
        ]
    )
    SupportRequest.objects.filter(id=request.id).update(room=room)
    request.refresh_from_db()
    notify(
        request.member,
        kind="listener_found",
        title="A listener is here for you",
        body=f"{listener.username} has joined your chat.",
        url=reverse("chat:room", args=[room.id]),
    )
    return request


def _participant(user: User, request: SupportRequest) -> str:
    if user.id == request.member_id:
        return "member"
    if user.id == request.listener_id:
        return "listener"
    if request.handed_over_to_id == user.id:
        return "moderator"
    raise PermissionDenied("This chat isn't yours.")


@transaction.atomic
def end_chat(user: User, request: SupportRequest) -> SupportRequest:
    """Either person (or the moderator it was handed to) ends the chat; nobody can write in it afterwards."""
    _participant(user, request)
    now = timezone.now()
    updated = SupportRequest.objects.filter(id=request.id, status=RequestStatus.ACTIVE).update(
        status=RequestStatus.ENDED, ended_at=now, ended_by=user
    )
    if not updated:
        raise ConflictError("This chat has already ended.", code="already_ended")
    if request.room_id is not None:
        Room.objects.filter(id=request.room_id).update(ended_at=now)
        chat_events.room_ended(request.room_id)
    request.refresh_from_db()
    other = request.listener if user.id == request.member_id else request.member
    if other is not None:
        notify(other, kind="support_ended", title="The 1:1 chat has ended", url=_room_url(request))
    return request


def _room_url(request: SupportRequest) -> str:
    return reverse("chat:room", args=[request.room_id]) if request.room_id else reverse("listeners:talk")


@transaction.atomic
def rate_chat(member: User, request: SupportRequest, *, rating: int) -> SupportRequest:
    if request.member_id != member.id:
        raise PermissionDenied("Only the member who asked for the chat can rate it.")
    if request.status != RequestStatus.ENDED:
        raise ConflictError("You can rate the chat once it has ended.", code="not_ended")
    if not 1 <= rating <= 5:
        raise ApplicationError("Choose a rating from 1 to 5.", code="bad_rating")
    updated = SupportRequest.objects.filter(id=request.id, rating__isnull=True).update(rating=rating)
    if not updated:
        raise ConflictError("You've already rated this chat. Thank you.", code="already_rated")
    request.refresh_from_db()
    return request


@transaction.atomic
def hand_over(listener: User, request: SupportRequest, *, reason: str) -> SupportRequest:
    """The listener's "Refer": a moderator joins the chat, the member is given crisis lines, and it is logged.
    The on-duty moderator first; with nobody on duty, the global moderators (then the admins)."""
    if request.listener_id != listener.id:
        raise PermissionDenied("Only the chat's listener can hand it over.")
    if request.status != RequestStatus.ACTIVE:
        raise ConflictError("This chat isn't active.", code="not_active")
    if request.handed_over_to_id is not None:
        raise ConflictError("A moderator has already been asked to join.", code="already_handed_over")
    # Read by moderators only; an address here may be what gets someone help.
    reason = clean_reason(reason, member_sees=False)
    candidates = on_duty_moderators(None, role=ShiftRole.PRIMARY) or fallback_moderators(None)
    moderator = next((m for m in candidates if m.id not in (request.member_id, listener.id)), None)
    if moderator is None:
        raise ApplicationError("No moderator can be reached right now. Share the crisis lines.", code="no_moderator")
    now = timezone.now()
    SupportRequest.objects.filter(id=request.id).update(handed_over_at=now, handed_over_to=moderator)
    Participant.objects.get_or_create(
        room_id=request.room_id, user=moderator, defaults={"role": ParticipantRole.MODERATOR, "joined_at": now}
    )
    request.refresh_from_db()
    log_action(listener, ActionKind.HAND_OVER, reason=reason, subject=request.member, details={"request": request.id})
    notify(
        moderator,
        kind="support_handed_over",
        title="A listener needs you in a 1:1 chat",
        body="A listener has asked a moderator to join a support chat where someone may be at risk.",
        url=_room_url(request),
    )
    notify(
        request.member,
        kind="crisis_help",
        title="Help is here if you need it",
        body=(
            "Your listener has asked one of our moderators to join your chat, to make sure you get the best "
            "support. If things feel too much right now, these free, confidential lines are there at any hour."
        ),
        url=reverse("safety:get-help"),
    )
    return request
