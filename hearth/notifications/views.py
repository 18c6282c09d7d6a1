from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from hearth.core.typealias import AuthedRequest
from hearth.forums.selectors import clamp_page
from hearth.notifications.models import Notification
from hearth.notifications.services import mark_all_read


@login_required
def notifications_view(request: AuthedRequest) -> HttpResponse:
    qs = Notification.objects.filter(user=request.user).order_by("-created_at", "-id")
    page = Paginator(qs, 20).get_page(clamp_page(request.GET.get("page")))
    unread_ids = {n.id for n in page.object_list if n.read_at is None}
    mark_all_read(request.user)
    return render(request, "notifications/list/index.html", {"page_obj": page, "unread_ids": unread_ids})
