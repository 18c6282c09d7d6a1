"""Talk to a listener now (members), the listener page (availability and queue), and the training."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hearth.core.errors import ApplicationError
from hearth.core.typealias import AuthedRequest
from hearth.lib.markdown import render_markdown
from hearth.listeners import training
from hearth.listeners.forms import AvailabilityForm, HandOverForm, RatingForm, RequestForm
from hearth.listeners.models import Language, ListenerProfile, RequestStatus, SupportRequest, SupportTopic
from hearth.listeners.selectors import (
    active_chats_of,
    is_trained,
    latest_request_of,
    open_request_of,
    queue_for,
    waiting_state,
)
from hearth.listeners.services import (
    accept_request,
    cancel_request,
    end_chat,
    hand_over,
    mark_lesson_read,
    progress_of,
    rate_chat,
    request_listener,
    set_availability,
    submit_quiz,
)
from hearth.permissions import access_support_request
from hearth.safety.resources import country_for_request


def request_state(request: SupportRequest) -> dict[str, Any]:
    """What the member's page (and its script) shows about their request."""
    state: dict[str, Any] = {"id": request.id, "status": request.status}
    if request.status == RequestStatus.WAITING:
        waiting = waiting_state(request)
        state.update(
            position=waiting.position,
            expected_minutes=waiting.expected_minutes,
            listeners_available=waiting.listeners_available,
            offer_crisis_lines=waiting.offer_crisis_lines,
        )
    if request.room_id is not None:
        state["room_url"] = reverse("chat:room", args=[request.room_id])
    return state


@login_required
def talk_view(request: AuthedRequest) -> HttpResponse:
    """Ask for a listener; while waiting, see your place in the queue (the page refreshes itself)."""
    open_request = open_request_of(request.user)
    if open_request is not None and open_request.status == RequestStatus.ACTIVE and open_request.room_id:
        return redirect("chat:room", room_id=open_request.room_id)
    form = RequestForm(request.POST or None)
    status = 200
    if request.method == "POST" and open_request is None:
        if form.is_valid():
            try:
                request_listener(
                    request.user, topics=form.cleaned_data["topics"], language=form.cleaned_data["language"]
                )
                return redirect("listeners:talk")
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status
        else:
            status = 400
    context: dict[str, Any] = {"form": form, "country": country_for_request(request)}
    if open_request is not None:
        context["waiting"] = request_state(open_request)
        context["open_request"] = open_request
    return render(request, "listeners/talk/index.html", context, status=status)


@login_required
def status_json_view(request: AuthedRequest) -> JsonResponse:
    """For the waiting page's script: where the member's request stands now."""
    latest = latest_request_of(request.user)
    return JsonResponse({"request": request_state(latest) if latest else None})


@login_required
@require_POST
def cancel_view(request: AuthedRequest, request_id: int) -> HttpResponse:
    cancel_request(request.user, access_support_request(request.user, request_id))
    messages.success(request, "You've left the queue. You can ask again whenever you like.")
    return redirect("listeners:talk")


@login_required
@require_POST
def accept_view(request: AuthedRequest, request_id: int) -> HttpResponse:
    try:
        support = accept_request(request.user, access_support_request(request.user, request_id))
    except ApplicationError as exc:  # taken by another listener a moment ago, or at capacity
        messages.error(request, exc.message)
        return redirect("listeners:dashboard")
    return redirect("chat:room", room_id=support.room_id)


@login_required
@require_POST
def end_view(request: AuthedRequest, request_id: int) -> HttpResponse:
    support = access_support_request(request.user, request_id)
    try:
        end_chat(request.user, support)
    except ApplicationError as exc:  # the other person ended it first
        messages.error(request, exc.message)
    else:
        messages.success(request, "The chat has ended. Thank you for being here.")
    return redirect("chat:room", room_id=support.room_id)


@login_required
@require_POST
def rate_view(request: AuthedRequest, request_id: int) -> HttpResponse:
    support = access_support_request(request.user, request_id)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a rating from 1 to 5.")
    else:
        try:
            rate_chat(request.user, support, rating=form.cleaned_data["rating"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Thank you for your feedback. It helps our listeners.")
    return redirect("chat:room", room_id=support.room_id)


@login_required
@require_POST
def hand_over_view(request: AuthedRequest, request_id: int) -> HttpResponse:
    support = access_support_request(request.user, request_id)
    form = HandOverForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say briefly why a moderator is needed.")
    else:
        try:
            hand_over(request.user, support, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "A moderator has been asked to join, and the member has been given crisis lines.")
    return redirect("chat:room", room_id=support.room_id)


@login_required
def dashboard_view(request: AuthedRequest) -> HttpResponse:
    """The listener's page: available or away, what they listen about, and who is waiting."""
    if not is_trained(request.user):
        return redirect("listeners:training")
    profile = ListenerProfile.objects.get(user=request.user)
    initial = {
        "status": profile.status,
        "topics": profile.topics,
        "languages": profile.languages or [Language.EN],
        "max_chats": profile.max_chats,
    }
    form = AvailabilityForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                set_availability(request.user, **form.cleaned_data)
                messages.success(request, "Saved.")
                return redirect("listeners:dashboard")
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status
        else:
            status = 400
    queue = queue_for(request.user)
    for waiting in queue:
        waiting.topic_labels = [SupportTopic(t).label for t in waiting.topics]  # type: ignore[attr-defined]
    context = {
        "profile": profile,
        "form": form,
        "queue": queue,
        "chats": active_chats_of(request.user),
    }
    return render(request, "listeners/dashboard/index.html", context, status=status)


@login_required
def training_view(request: AuthedRequest) -> HttpResponse:
    progress = progress_of(request.user)
    context = {
        "lessons": [(lesson, lesson.slug in progress.lessons_read) for lesson in training.LESSONS],
        "progress": progress,
        "trained": is_trained(request.user),
        "all_read": all(lesson.slug in progress.lessons_read for lesson in training.LESSONS),
    }
    return render(request, "listeners/training/index.html", context)


@login_required
def lesson_view(request: AuthedRequest, slug: str) -> HttpResponse:
    lesson = training.lesson(slug)
    if lesson is None:
        return render(request, "404.html", status=404)
    mark_lesson_read(request.user, slug)
    slugs = [item.slug for item in training.LESSONS]
    index = slugs.index(slug)
    context = {
        "lesson": lesson,
        "body_html": render_markdown(lesson.body),
        "number": index + 1,
        "count": len(slugs),
        "next": training.LESSONS[index + 1] if index + 1 < len(slugs) else None,
    }
    return render(request, "listeners/lesson/index.html", context)


@login_required
def quiz_view(request: AuthedRequest) -> HttpResponse:
    result = None
    error = None
    answers: dict[str, int] = {}
    if request.method == "POST":
        for question in training.QUIZ:
            value = request.POST.get(question.id, "")
            if value.isdigit():
                answers[question.id] = int(value)
        try:
            result = submit_quiz(request.user, answers)
        except ApplicationError as exc:
            error = exc.message
    context = {
        "quiz": training.QUIZ,
        "result": result,
        "error": error,
        "answers": answers,
        "pass_mark": training.PASS_MARK,
    }
    return render(request, "listeners/quiz/index.html", context, status=400 if error else 200)
