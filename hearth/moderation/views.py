from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from hearth.accounts.models import SensitiveTopic
from hearth.core.errors import ApplicationError
from hearth.core.typealias import AuthedRequest
from hearth.moderation.actions import ActionRequest, perform_action
from hearth.moderation.models import Appeal, QueueItem, QueueStatus, SanctionKind
from hearth.moderation.selectors import (
    access_queue_item,
    attach_posts,
    author_risk_history,
    is_moderator_anywhere,
    open_queue,
    recent_high_risk_count,
)
from hearth.permissions import NOT_FOUND


@login_required
def queue_view(request: AuthedRequest) -> HttpResponse:
    if not is_moderator_anywhere(request.user):
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
    context = {
        "item": item,
        "appeal": Appeal.objects.select_related("action", "appellant").filter(queue_item=item).first(),
        "reports": item.reports.select_related("reporter").order_by("created_at")[:20],
        "history": author_risk_history(item.author_id),
        "topic_choices": SensitiveTopic.choices,
        "sanction_choices": SanctionKind.choices,
        "error": error,
        "reason": request.POST.get("reason", "") if error else "",
    }
    return render(request, "moderation/item/index.html", context, status=status)
