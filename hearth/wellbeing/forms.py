from __future__ import annotations

from typing import Any

from django import forms

from hearth.core.errors import ApplicationError
from hearth.core.forms import HearthForm
from hearth.wellbeing.models import SafetyPlan
from hearth.wellbeing.sections import MAX_ITEMS, SECTIONS
from hearth.wellbeing.services import clean_items


class SafetyPlanForm(HearthForm):
    """One box per section, one thing per line: plain text areas work without JavaScript and with every
    screen reader. The rules (how many, how long) are the service's, so the page and the API agree."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for section in SECTIONS:
            self.fields[section.key] = forms.CharField(
                label=section.title,
                required=False,
                # No max_length: a browser's maxlength would silently cut a pasted list short. The service's
                # rules (items and their length) say what is wrong instead, and keep what was typed.
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=f"{section.help_text} One per line, up to {MAX_ITEMS}.",
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for section in SECTIONS:
            if section.key not in cleaned:
                continue
            try:
                cleaned[section.key] = clean_items(section.key, str(cleaned[section.key]).splitlines())
            except ApplicationError as exc:
                self.add_error(section.key, exc.message)
        return cleaned

    @property
    def sections(self) -> dict[str, list[str]]:
        return {section.key: self.cleaned_data[section.key] for section in SECTIONS}

    @staticmethod
    def initial_for(plan: SafetyPlan | None, *, suggested_professionals: list[str]) -> dict[str, str]:
        if plan is None:
            return {"professionals": "\n".join(suggested_professionals)}
        return {section.key: "\n".join(plan.items(section.key)) for section in SECTIONS}
