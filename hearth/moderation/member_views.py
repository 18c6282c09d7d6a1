"""Pages for members: reporting posts, chat messages and people, blocking and muting, and appealing decisions
about them."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hearth.accounts.blocks import block_member, unblock_member
from hearth.core.errors import ApplicationError
from hearth.core.typealias import AuthedRequest
from hearth.forums.views import post_url
from hearth.moderation.appeals import appeal_decision, appealable_decisions
from hearth.moderation.forms import AppealForm, ReportForm
from hearth.moderation.models import AuditLogEntry, Report
from hearth.moderation.reports import report_member, report_message, report_post, shared_community
from hearth.permissions import NOT_FOUND, access_member, access_message, access_post, access_room
from hearth.safety.policy import Decision
from hearth.safety.submission import after_writing

THANKS = "Thank you for telling us. A moderator will look at it; the person you reported won't know it was you."


def _offer_help(request: AuthedRequest, decision: Decision | None) -> None:
    after_writing(request, decision, held=False)


def _report_page(
    request: AuthedRequest, send: Callable[[dict[str, str]], Report], *, back: str, context: dict[str, object]
) -> HttpResponse:
    """The report form: `send` makes the report from the form's fields; the reporter returns to `back`."""
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                report = send(form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, THANKS)
                _offer_help(request, report.decision)  # type: ignore[attr-defined]
                return redirect(back)
    return render(request, "moderation/report/index.html", {**context, "form": form}, status=status)


@login_required
def report_post_view(request: AuthedRequest, post_id: int) -> HttpResponse:
    post = access_post(request.user, post_id)
    return _report_page(
        request, lambda fields: report_post(request.user, post, **fields), back=post_url(post), context={"post": post}
    )


@login_required
def report_message_view(request: AuthedRequest, room_id: int, seq: int) -> HttpResponse:
    room = access_room(request.user, room_id)
    message = access_message(request.user, room, seq)
    back = reverse("chat:room", args=[room.id]) + f"#m-{message.seq}"
    return _report_page(
        request,
        lambda fields: report_message(request.user, message, **fields),
        back=back,
        context={"chat_message": message, "cancel_url": back},
    )


@login_required
def report_member_view(request: AuthedRequest, pseudonym: str) -> HttpResponse:
    member = access_member(pseudonym)

    def send(fields: dict[str, str]) -> Report:
        return report_member(request.user, member, community=shared_community(request.user, member), **fields)

    back = reverse("member-profile", kwargs={"pseudonym": member.username})
    return _report_page(request, send, back=back, context={"member": member})


@login_required
@require_POST
def block_view(request: AuthedRequest, pseudonym: str) -> HttpResponse:
    member = access_member(pseudonym)
    action = request.POST.get("action", "")
    try:
        if action == "unblock":
            unblock_member(request.user, member)
            messages.success(request, f"You'll see {member.username}'s posts again.")
        else:
            block_member(request.user, member, kind=action)
            messages.success(
                request,
                f"You won't see {member.username}'s posts any more."
                + (" They can't reply to your threads either." if action == "block" else ""),
            )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("member-profile", pseudonym=member.username)


@login_required
def my_decisions_view(request: AuthedRequest) -> HttpResponse:
    """Moderation decisions about me, and my appeals."""
    return render(request, "moderation/my_decisions/index.html", {"entries": appealable_decisions(request.user)})


@login_required
def appeal_view(request: AuthedRequest, entry_id: int) -> HttpResponse:
    entry = AuditLogEntry.objects.filter(id=entry_id, subject=request.user).first()
    if entry is None:
        raise Http404(NOT_FOUND)
    form = AppealForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                appeal = appeal_decision(request.user, entry, statement=form.cleaned_data["statement"])
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, "Your appeal is sent. Another moderator will look at it.")
                _offer_help(request, appeal.decision)  # type: ignore[attr-defined]
                return redirect("moderation:my-decisions")
    return render(request, "moderation/appeal/index.html", {"form": form, "entry": entry}, status=status)
