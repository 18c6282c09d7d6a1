"""Wellbeing: the caller's own safety plan. Only its owner can read or change it, so there is no path with a
member's name or id in it; the plan never passes the publishing pipeline and is never logged."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from hearth.api.auth import member_of
from hearth.api.schemas.common import AUTH, UNSAFE, errors
from hearth.api.schemas.wellbeing import SafetyPlanIn, SafetyPlanOut
from hearth.safety.resources import country_for_request
from hearth.wellbeing.selectors import own_safety_plan, suggested_professionals
from hearth.wellbeing.services import save_safety_plan

router = Router()


@router.get("/me/safety-plan", response={200: SafetyPlanOut, **errors(*AUTH)})
def get_safety_plan(request: HttpRequest) -> SafetyPlanOut:
    """Your safety plan. Before you first save it, `exists` is false and every part is empty."""
    plan = own_safety_plan(member_of(request))
    return SafetyPlanOut.from_plan(plan, suggested_professionals=suggested_professionals(country_for_request(request)))


@router.put("/me/safety-plan", response={200: SafetyPlanOut, **errors(*UNSAFE)})
def put_safety_plan(request: HttpRequest, payload: SafetyPlanIn) -> SafetyPlanOut:
    """Save your safety plan, replacing what was there. Only you can ever read it."""
    plan = save_safety_plan(member_of(request), sections=payload.model_dump())
    return SafetyPlanOut.from_plan(plan, suggested_professionals=suggested_professionals(country_for_request(request)))
