"""Talk to a listener now (members), the listener's queue and availability, and the listener training."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Router, Status

from hearth.api.auth import member_of
from hearth.api.schemas.common import AUTH, UNSAFE, errors
from hearth.api.schemas.listeners import (
    AvailabilityIn,
    AvailabilityOut,
    HandOverIn,
    LessonOut,
    QuestionOut,
    QueueEntryOut,
    QuizIn,
    QuizResultOut,
    RatingIn,
    SupportRequestIn,
    SupportRequestOut,
    TrainingOut,
)
from hearth.lib.markdown import render_markdown
from hearth.listeners import training
from hearth.listeners.models import SupportRequest
from hearth.listeners.selectors import is_trained, latest_request_of, queue_for
from hearth.listeners.services import (
    accept_request,
    cancel_request,
    check_listener,
    end_chat,
    hand_over,
    mark_lesson_read,
    progress_of,
    rate_chat,
    request_listener,
    set_availability,
    submit_quiz,
)
from hearth.listeners.views import request_state
from hearth.permissions import NOT_FOUND, access_support_request

router = Router()


def _out(request: SupportRequest) -> SupportRequestOut:
    return SupportRequestOut.from_request(request, request_state(request))


@router.post("/support/requests", response={201: SupportRequestOut, **errors(*UNSAFE, 409, 429)})
def ask_for_listener(request: HttpRequest, payload: SupportRequestIn) -> Status[SupportRequestOut]:
    """Join the queue for a 1:1 chat with a trained listener. Poll GET /support/requests/current to follow it."""
    user = member_of(request)
    support = request_listener(user, topics=[t.value for t in payload.topics], language=payload.language.value)
    return Status(201, _out(support))


@router.get("/support/requests/current", response={200: SupportRequestOut, **errors(*AUTH, 404)})
def current_request(request: HttpRequest) -> SupportRequestOut:
    """Your latest request: its place in the queue and expected wait, or its chat room once a listener accepts."""
    latest = latest_request_of(member_of(request))
    if latest is None:
        raise Http404(NOT_FOUND)
    return _out(latest)


@router.post("/support/requests/{request_id}/cancel", response={200: SupportRequestOut, **errors(*UNSAFE, 404, 409)})
def cancel(request: HttpRequest, request_id: int) -> SupportRequestOut:
    user = member_of(request)
    return _out(cancel_request(user, access_support_request(user, request_id)))


@router.post("/support/requests/{request_id}/accept", response={200: SupportRequestOut, **errors(*UNSAFE, 404, 409)})
def accept(request: HttpRequest, request_id: int) -> SupportRequestOut:
    """Listeners: take a waiting request; the 1:1 chat room opens for you both."""
    user = member_of(request)
    return _out(accept_request(user, access_support_request(user, request_id)))


@router.post("/support/requests/{request_id}/end", response={200: SupportRequestOut, **errors(*UNSAFE, 404, 409)})
def end(request: HttpRequest, request_id: int) -> SupportRequestOut:
    user = member_of(request)
    return _out(end_chat(user, access_support_request(user, request_id)))


@router.post("/support/requests/{request_id}/rating", response={200: SupportRequestOut, **errors(*UNSAFE, 404, 409)})
def rate(request: HttpRequest, request_id: int, payload: RatingIn) -> SupportRequestOut:
    user = member_of(request)
    return _out(rate_chat(user, access_support_request(user, request_id), rating=payload.rating))


@router.post("/support/requests/{request_id}/hand-over", response={200: SupportRequestOut, **errors(*UNSAFE, 404, 409)})
def refer(request: HttpRequest, request_id: int, payload: HandOverIn) -> SupportRequestOut:
    """Listeners: ask a moderator to join the chat (someone may be at risk); the member is sent crisis lines."""
    user = member_of(request)
    return _out(hand_over(user, access_support_request(user, request_id), reason=payload.reason))


@router.get("/listener/queue", response={200: list[QueueEntryOut], **errors(*AUTH, 403)})
def listener_queue(request: HttpRequest) -> list[QueueEntryOut]:
    """Listeners: waiting requests you can take, those matching your topics first."""
    user = member_of(request)
    check_listener(user)
    return [
        QueueEntryOut(
            id=r.id, member=r.member.username, topics=r.topics, language=r.language, waiting_since=r.created_at
        )
        for r in queue_for(user)
    ]


@router.put("/listener/availability", response={200: AvailabilityOut, **errors(*UNSAFE)})
def availability(request: HttpRequest, payload: AvailabilityIn) -> AvailabilityOut:
    profile = set_availability(
        member_of(request),
        status=payload.status.value,
        topics=[t.value for t in payload.topics],
        languages=[lang.value for lang in payload.languages],
        max_chats=payload.max_chats,
    )
    return AvailabilityOut(
        status=profile.status, topics=profile.topics, languages=profile.languages, max_chats=profile.max_chats
    )


@router.get("/listener/training", response={200: TrainingOut, **errors(*AUTH)})
def get_training(request: HttpRequest) -> TrainingOut:
    """The lessons (reading one here marks it read) and the quiz questions (answers are never sent)."""
    user = member_of(request)
    for lesson in training.LESSONS:
        mark_lesson_read(user, lesson.slug)
    read = set(progress_of(user).lessons_read)
    return TrainingOut(
        lessons=[
            LessonOut(
                slug=x.slug, title=x.title, summary=x.summary, body_html=render_markdown(x.body), read=x.slug in read
            )
            for x in training.LESSONS
        ],
        quiz=[QuestionOut(id=q.id, prompt=q.prompt, options=list(q.options)) for q in training.QUIZ],
        pass_mark=training.PASS_MARK,
        trained=is_trained(user),
    )


@router.post("/listener/training/quiz", response={200: QuizResultOut, **errors(*UNSAFE)})
def take_quiz(request: HttpRequest, payload: QuizIn) -> QuizResultOut:
    """Passing grants the listener badge for a year."""
    result = submit_quiz(member_of(request), payload.answers)
    return QuizResultOut(
        score=result.score, total=result.total, passed=result.passed, missed=[q.id for q in result.missed]
    )
