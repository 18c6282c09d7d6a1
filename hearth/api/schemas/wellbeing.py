"""The caller's own safety plan. There is no schema or operation for anybody else's."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import ConfigDict

from hearth.api.schemas.common import Text
from hearth.wellbeing.models import SafetyPlan
from hearth.wellbeing.sections import MAX_ITEM_LENGTH, MAX_ITEMS, SECTIONS_BY_KEY

PlanItem = Annotated[Text, Field(max_length=MAX_ITEM_LENGTH)]


def _items(key: str, *, required: bool = False) -> Any:
    description = f"{SECTIONS_BY_KEY[key].title}. Up to {MAX_ITEMS} items of up to {MAX_ITEM_LENGTH} characters."
    if required:
        return Field(..., max_length=MAX_ITEMS, description=description)
    return Field(default_factory=list, max_length=MAX_ITEMS, description=description)


class SafetyPlanSections(Schema):
    """The seven parts of the plan, each a short list of the member's own words."""

    warning_signs: list[PlanItem] = _items("warning_signs")
    coping_alone: list[PlanItem] = _items("coping_alone")
    distractions: list[PlanItem] = _items("distractions")
    people_to_ask: list[PlanItem] = _items("people_to_ask")
    professionals: list[PlanItem] = _items("professionals")
    safer_surroundings: list[PlanItem] = _items("safer_surroundings")
    reasons_for_living: list[PlanItem] = _items("reasons_for_living")


class SafetyPlanIn(Schema):
    """The whole plan, replacing what was there. Every part is required (send `[]` for an empty one) and
    unknown names are refused, so a typo can't quietly empty a part. Inside an item, line breaks and runs of
    spaces become one space, and empty items are dropped."""

    model_config = ConfigDict(extra="forbid")

    warning_signs: list[PlanItem] = _items("warning_signs", required=True)
    coping_alone: list[PlanItem] = _items("coping_alone", required=True)
    distractions: list[PlanItem] = _items("distractions", required=True)
    people_to_ask: list[PlanItem] = _items("people_to_ask", required=True)
    professionals: list[PlanItem] = _items("professionals", required=True)
    safer_surroundings: list[PlanItem] = _items("safer_surroundings", required=True)
    reasons_for_living: list[PlanItem] = _items("reasons_for_living", required=True)


class SafetyPlanOut(Schema):
    exists: bool = Field(description="False until the plan is first saved.")
    updated_at: datetime | None
    sections: SafetyPlanSections
    suggested_professionals: list[str] = Field(
        description="Crisis lines for the caller's country, written as plan items: a start for `professionals`."
    )

    @classmethod
    def from_plan(cls, plan: SafetyPlan | None, *, suggested_professionals: list[str]) -> SafetyPlanOut:
        if plan is None:
            return cls(
                exists=False,
                updated_at=None,
                sections=SafetyPlanSections(),
                suggested_professionals=suggested_professionals,
            )
        return cls(
            exists=True,
            updated_at=plan.updated_at,
            sections=SafetyPlanSections(**{section.key: items for section, items in plan.by_section}),
            suggested_professionals=suggested_professionals,
        )
