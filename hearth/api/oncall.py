"""On call, for moderators: go on or off duty, list the urgent alerts waiting for you, acknowledge one."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from hearth.api.auth import member_of
from hearth.api.schemas.common import AUTH, UNSAFE, errors
from hearth.api.schemas.oncall import AlertOut, DutyIn, DutyOut
from hearth.oncall.selectors import access_alert, current_shift, open_alerts
from hearth.oncall.services import acknowledge_alert, check_on_call_permission, go_off_duty, go_on_duty
from hearth.permissions import access_community

router = Router()


@router.get("/me/on-call", response={200: DutyOut, **errors(*AUTH, 403)})
def get_duty(request: HttpRequest) -> DutyOut:
    """Your current shift, if you are on call."""
    user = member_of(request)
    check_on_call_permission(user, None)
    return DutyOut.from_shift(current_shift(user))


@router.put("/me/on-call", response={200: DutyOut, **errors(*UNSAFE, 404)})
def put_duty(request: HttpRequest, payload: DutyIn) -> DutyOut:
    """Go on call now (for one community you moderate, or for all of them), or off duty."""
    user = member_of(request)
    if not payload.on_duty:
        check_on_call_permission(user, None)
        go_off_duty(user)
        return DutyOut.from_shift(None)
    community = access_community(user, payload.community) if payload.community else None
    return DutyOut.from_shift(go_on_duty(user, role=payload.role, community=community, hours=payload.hours))


@router.get("/me/on-call/alerts", response={200: list[AlertOut], **errors(*AUTH, 403)})
def list_alerts(request: HttpRequest) -> list[AlertOut]:
    """Urgent items sent to you that nobody has acknowledged yet, most urgent first."""
    user = member_of(request)
    check_on_call_permission(user, None)
    return [AlertOut.from_alert(a) for a in open_alerts(user)]


@router.post("/me/on-call/alerts/{alert_id}/acknowledge", response={200: AlertOut, **errors(*UNSAFE, 404, 409)})
def acknowledge(request: HttpRequest, alert_id: int) -> AlertOut:
    """ "I'm on it": stops the alert (and the item's other alerts) escalating, and claims the item for you."""
    user = member_of(request)
    alert = access_alert(user, alert_id)
    return AlertOut.from_alert(acknowledge_alert(user, alert))
