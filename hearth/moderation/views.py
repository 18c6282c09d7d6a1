from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hearth.accounts.models import SensitiveTopic
from hearth.core.errors import ApplicationError
from hearth.core.typealias import AuthedRequest
from hearth.moderation.actions import ActionRequest, perform_action
from hearth.moderation.models import Appeal, QueueItem, QueueStatus, SanctionKind
from hearth.moderation.reveal import check_reveal_author_permission, reveal_anonymous_author
from hearth.moderation.selectors import (
    access_queue_item,
    attach_posts,
    author_risk_history,
    is_moderator_anywhere,
    open_queue,
    recent_high_risk_count,
)
from hearth.permissions import NOT_FOUND, access_post, check_staff_mfa


@login_required
def queue_view(request: AuthedRequest) -> HttpResponse:
    if not is_moderator_anywhere(request.user):
        check_staff_mfa(request.user)
        raise PermissionDenied("The moderation queue is for moderators.")
    items = open_queue(request.user)
    context = {"items": items, "heavy_stretch": recent_high_risk_count(request.user)}
    return render(request, "moderation/queue/index.html", context)


def _act(request: AuthedRequest, item: QueueItem) -> str:
    """Carry out the posted action on the item; returns the confirmation to show."""
    post = request.POST
    action = post.get("action", "")
    perform_action(
        request.user,
        item,
        ActionRequest(
            action=action,
            reason=post.get("reason", ""),
            topics=post.getlist("topics"),
            label=post.get("label", ""),
            message=post.get("message", ""),
            sanction=post.get("kind", ""),
            days=_int_or_none(post.get("days")),
            body=post.get("body", ""),
        ),
    )
    return "Done." if action in ("claim", "unclaim") else "Done. The member has been told, with your reason."


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
def item_view(request: AuthedRequest, item_id: int) -> HttpResponse:
    item = access_queue_item(request.user, item_id)
    if item is None:
        check_staff_mfa(request.user)
        raise Http404(NOT_FOUND)
    error, status = "", 200
    if request.method == "POST":
        try:
            done = _act(request, item)
        except ApplicationError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, done)
            item.refresh_from_db()
            if item.status == QueueStatus.RESOLVED:
                return redirect("moderation:queue")
            return redirect("moderation:item", item_id=item.id)
    attach_posts([item])
    return _render_item(request, item, error=error, status=status)


@login_required
@require_POST
def item_author_view(request: AuthedRequest, item_id: int) -> HttpResponse:
    """Show who wrote the item's anonymous post, once the moderator asks; the look is logged. The answer is
    rendered, never redirected to, so the pseudonym stays out of URLs, messages and the browser's history."""
    item = access_queue_item(request.user, item_id)
    if item is None:
        raise Http404(NOT_FOUND)
    attach_posts([item])
    post = item.post  # type: ignore[attr-defined]
    if post is None:
        raise Http404(NOT_FOUND)
    try:
        reveal_anonymous_author(request.user, post, reason=request.POST.get("reveal_reason", ""), item=item)
    except ApplicationError as exc:
        return _render_item(request, item, error=exc.message, status=exc.status)
    return _render_item(request, item, revealed=True)


def _render_item(
    request: AuthedRequest, item: QueueItem, *, error: str = "", status: int = 200, revealed: bool = False
) -> HttpResponse:
    post = item.post  # type: ignore[attr-defined]
    # An anonymous post's author is named on this page only after "Show who wrote this" (reveal.py).
    author_hidden = post is not None and post.is_anonymous and not revealed
    context = {
        "item": item,
        "author_hidden": author_hidden,
        "author_name": "the anonymous author" if author_hidden else item.author.username,
        "appeal": Appeal.objects.select_related("action", "appellant").filter(queue_item=item).first(),
        "reports": item.reports.select_related("reporter").order_by("created_at")[:20],
        "history": author_risk_history(item.author_id),
        "topic_choices": SensitiveTopic.choices,
        "sanction_choices": SanctionKind.choices,
        "error": error,
        # After an error the form comes back with what the moderator wrote, so nothing is lost.
        "reason": request.POST.get("reason", "") if error else "",
        "message": request.POST.get("message", "") if error else "",
        "body": request.POST.get("body") if error else None,
    }
    return render(request, "moderation/item/index.html", context, status=status)


@login_required
def post_author_view(request: AuthedRequest, post_id: int) -> HttpResponse:
    """A moderator asks who wrote an anonymous post: the page explains, the POST answers and is logged."""
    post = access_post(request.user, post_id)
    check_reveal_author_permission(request.user, post)
    if not post.is_anonymous:
        raise Http404(NOT_FOUND)
    author, error, status = None, "", 200
    if request.method == "POST":
        try:
            author = reveal_anonymous_author(request.user, post, reason=request.POST.get("reason", ""))
        except ApplicationError as exc:
            error, status = exc.message, exc.status
    context = {"post": post, "author": author, "error": error, "reason": request.POST.get("reason", "")}
    return render(request, "moderation/post_author/index.html", context, status=status)
