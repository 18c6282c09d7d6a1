"""Reads of a member's own safety plan. Every function takes the member themself: there is no way to ask
for somebody else's plan."""

from __future__ import annotations

from hearth.accounts.models import User
from hearth.permissions import AnyUser
from hearth.safety.resources import Country
from hearth.wellbeing.models import SafetyPlan


def own_safety_plan(user: User) -> SafetyPlan | None:
    """The member's plan as saved, even if every section is empty; None if they never saved one."""
    return SafetyPlan.objects.filter(user=user).first()


def safety_plan_for(user: AnyUser) -> SafetyPlan | None:
    """The plan to offer the member when they need it (the help panel): None for visitors, and for members
    who have no plan or whose plan is empty. One query."""
    if not user.is_authenticated:
        return None
    plan = own_safety_plan(user)
    return None if plan is None or plan.is_empty else plan


def suggested_professionals(country: Country) -> list[str]:
    """The crisis lines of the member's country, written as plan items, to start a new plan's section 5."""
    lines = [
        f"{service.name}: {', '.join(c.display for c in service.contacts)}. {service.hours}"
        for service in country.services
    ]
    return [*lines, f"In an emergency: {country.emergency}"]
