from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from hearth.core.errors import ApplicationError
from hearth.core.typealias import AuthedRequest
from hearth.moderation.selectors import (
    access_queue_item,
    attach_posts,
    author_risk_history,
    is_moderator_anywhere,
    open_queue,
)
from hearth.moderation.services import approve_item, claim_item, hide_item, unclaim_item
from hearth.permissions import NOT_FOUND


@login_required
def queue_view(request: AuthedRequest) -> HttpResponse:
    if not is_moderator_anywhere(request.user):
        raise PermissionDenied("The moderation queue is for moderators.")
    items = open_queue(request.user)
    return render(request, "moderation/queue/index.html", {"items": items})


@login_required
def item_view(request: AuthedRequest, item_id: int) -> HttpResponse:
    item = access_queue_item(request.user, item_id)
    if item is None:
        raise Http404(NOT_FOUND)
    error, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        reason = request.POST.get("reason", "")
        try:
            if action == "claim":
                claim_item(request.user, item)
            elif action == "unclaim":
                unclaim_item(request.user, item)
            elif action == "approve":
                approve_item(request.user, item, reason=reason)
            elif action == "hide":
                hide_item(request.user, item, reason=reason)
            else:
                raise ApplicationError("Choose an action.", code="unknown_action")
        except ApplicationError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, "Done. The member has been told, with your reason.")
            if action in ("approve", "hide"):
                return redirect("moderation:queue")
            return redirect("moderation:item", item_id=item.id)
    attach_posts([item])
    context = {
        "item": item,
        "history": author_risk_history(item.author_id),
        "error": error,
        "reason": request.POST.get("reason", "") if error else "",
    }
    return render(request, "moderation/item/index.html", context, status=status)
