from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hearth.communities.models import Community
from hearth.core.errors import ApplicationError
from hearth.core.typealias import AuthedRequest
from hearth.oncall.models import ShiftRole
from hearth.oncall.selectors import access_alert, current_shift, duty_communities, open_alerts
from hearth.oncall.services import acknowledge_alert, check_on_call_permission, go_off_duty, go_on_duty

SHIFT_HOURS = (1, 2, 4, 8, 12)
DEFAULT_HOURS = 8


def _parse_hours(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ApplicationError("Choose how long you'll be on call.", code="shift_length") from None


def _duty_community(raw: str) -> Community | None:
    """The community chosen on the form; "" is every community the moderator moderates."""
    if not raw:
        return None
    community = Community.objects.filter(slug=raw).first()
    if community is None:
        raise ApplicationError("Choose one of your communities.", code="unknown_community")
    return community


@login_required
def oncall_view(request: AuthedRequest) -> HttpResponse:
    check_on_call_permission(request.user, None)
    error, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "on":
                shift = go_on_duty(
                    request.user,
                    role=request.POST.get("role", ShiftRole.PRIMARY),
                    community=_duty_community(request.POST.get("community", "")),
                    hours=_parse_hours(request.POST.get("hours", "")),
                )
                messages.success(request, f"You're on call until {shift.ends_at:%H:%M} ({settings.TIME_ZONE}).")
            elif action == "off":
                go_off_duty(request.user)
                messages.success(request, "You're off duty. Thank you, and rest well.")
            else:
                raise ApplicationError("Choose an action.", code="unknown_action")
        except ApplicationError as exc:
            error, status = exc.message, exc.status
        else:
            return redirect("oncall:index")
    max_hours = settings.HEARTH_ONCALL_MAX_SHIFT_HOURS
    context = {
        "shift": current_shift(request.user),
        "alerts": open_alerts(request.user),
        "communities": duty_communities(request.user),
        "roles": ShiftRole.choices,
        "hours_choices": [h for h in SHIFT_HOURS if h <= max_hours] or [max_hours],
        "default_hours": min(DEFAULT_HOURS, max_hours),
        "ack_minutes": settings.HEARTH_ONCALL_ACK_MINUTES,
        "error": error,
    }
    return render(request, "oncall/index/index.html", context, status=status)


@require_POST
@login_required
def acknowledge_view(request: AuthedRequest, alert_id: int) -> HttpResponse:
    alert = access_alert(request.user, alert_id)
    try:
        acknowledge_alert(request.user, alert)
    except ApplicationError as exc:
        messages.info(request, exc.message)
        return redirect("oncall:index")
    messages.success(request, "Acknowledged: nobody else will be alerted about it.")
    return redirect("moderation:item", item_id=alert.item_id)
