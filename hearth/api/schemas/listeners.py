"""1:1 support with trained listeners, and the listener training, over the API."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from hearth.listeners.models import Language, ListenerStatus, SupportRequest, SupportTopic


class SupportRequestIn(Schema):
    topics: list[SupportTopic] = []
    language: Language = Language.EN


class SupportRequestOut(Schema):
    id: int
    status: str = Field(description="waiting, active, ended or cancelled")
    topics: list[str]
    language: str
    created_at: datetime
    listener: str | None = Field(description="The listener's pseudonym, once one has accepted.")
    room_id: int | None = Field(description="The 1:1 chat room (GET /chat/rooms/{room_id}), once active.")
    position: int | None = Field(description="Place in the queue while waiting (1 = next).")
    expected_minutes: int | None
    offer_crisis_lines: bool = Field(
        description="The wait is long, nobody is free, or risk is high: show the crisis lines now."
    )
    rating: int | None

    @classmethod
    def from_request(cls, request: SupportRequest, state: dict[str, object]) -> SupportRequestOut:
        return cls(
            id=request.id,
            status=request.status,
            topics=list(request.topics),
            language=request.language,
            created_at=request.created_at,
            listener=request.listener.username if request.listener else None,
            room_id=request.room_id,
            position=state.get("position"),  # type: ignore[arg-type]
            expected_minutes=state.get("expected_minutes"),  # type: ignore[arg-type]
            offer_crisis_lines=bool(state.get("offer_crisis_lines", False)),
            rating=request.rating,
        )


class QueueEntryOut(Schema):
    id: int
    member: str
    topics: list[str]
    language: str
    waiting_since: datetime


class AvailabilityIn(Schema):
    status: ListenerStatus
    topics: list[SupportTopic] = []
    languages: list[Language] = Field(min_length=1)
    max_chats: int = Field(default=1, ge=1, le=3)


class AvailabilityOut(Schema):
    status: str
    topics: list[str]
    languages: list[str]
    max_chats: int


class RatingIn(Schema):
    rating: int = Field(ge=1, le=5)


class HandOverIn(Schema):
    reason: str = Field(min_length=1, max_length=1000)


class LessonOut(Schema):
    slug: str
    title: str
    summary: str
    body_html: str
    read: bool


class QuestionOut(Schema):
    id: str
    prompt: str
    options: list[str]


class TrainingOut(Schema):
    lessons: list[LessonOut]
    quiz: list[QuestionOut]
    pass_mark: int
    trained: bool = Field(description="Passed within the last year: may take 1:1 chats.")


class QuizIn(Schema):
    answers: dict[str, int] = Field(description="Question id to the index of the chosen option.")


class QuizResultOut(Schema):
    score: int
    total: int
    passed: bool
    missed: list[str] = Field(description="Ids of the questions answered wrongly or not at all.")
