"""Writes to a member's own safety plan.

Nothing here logs or screens the text: the plan is read only by its owner, so it does not pass the publishing
pipeline (`safety.services.screen_text`), and error messages name the section and item number, never the words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from hearth.accounts.models import User
from hearth.core.errors import ApplicationError
from hearth.wellbeing.models import SafetyPlan
from hearth.wellbeing.sections import MAX_ITEM_LENGTH, MAX_ITEMS, SECTION_KEYS, SECTIONS_BY_KEY


@sensitive_variables()
def clean_items(key: str, items: Iterable[str]) -> list[str]:
    """One section's items, tidied: spaces and line breaks inside an item become one space, and empty items
    are dropped. Raise ApplicationError when there are too many or one is too long."""
    section = SECTIONS_BY_KEY.get(key)
    if section is None:
        raise ApplicationError("That isn't part of a safety plan.", code="unknown_section")
    cleaned = []
    for item in items:
        if "\x00" in item:
            raise ApplicationError("Text can't contain NUL characters.", code="invalid_text")
        text = " ".join(item.split())
        if text:
            cleaned.append(text)
    for number, text in enumerate(cleaned, start=1):
        if len(text) > MAX_ITEM_LENGTH:
            raise ApplicationError(
                f"In “{section.title}”, item {number} is {len(text)} characters long. "
                f"Please keep each one to {MAX_ITEM_LENGTH} or fewer: you could split it in two.",
                code="item_too_long",
            )
    if len(cleaned) > MAX_ITEMS:
        raise ApplicationError(
            f"“{section.title}” can hold up to {MAX_ITEMS} things, and there are {len(cleaned)}. "
            "Could you keep the ones that help most?",
            code="too_many_items",
        )
    return cleaned


@sensitive_variables()
@transaction.atomic
def save_safety_plan(user: User, *, sections: Mapping[str, Iterable[str]]) -> SafetyPlan:
    """Replace the member's own plan with `sections` (a section left out becomes empty), creating it if needed.

    There is no owner argument: a plan can only ever be written by the member it belongs to.
    """
    if not user.is_active:
        raise ApplicationError("This account can't be changed.", code="inactive")
    unknown = set(sections) - set(SECTION_KEYS)
    if unknown:
        raise ApplicationError("That isn't part of a safety plan.", code="unknown_section")
    cleaned = {key: clean_items(key, sections.get(key, ())) for key in SECTION_KEYS}
    now = timezone.now()
    plan, _ = SafetyPlan.objects.update_or_create(
        user=user,
        defaults={"sections": cleaned, "updated_at": now},
        create_defaults={"sections": cleaned, "created_at": now, "updated_at": now},
    )
    return plan
