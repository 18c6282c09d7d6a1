from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from hearth.accounts.models import User
from hearth.core.fields import EncryptedJSONField
from hearth.wellbeing.sections import KEY_SECTIONS, SECTIONS, SECTIONS_BY_KEY, Section


class SafetyPlan(models.Model):
    """A member's own safety plan. Only its owner can read or change it: no page, API operation or admin screen
    shows it to anyone else, and its text never passes the publishing pipeline or reaches a log.

    `sections` maps each key in `hearth.wellbeing.sections.SECTION_KEYS` to a short list of strings; services
    keep it in that shape, encrypted at rest as one value, so a new section needs no migration.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="safety_plan")
    sections = EncryptedJSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        # Never the text: this is what shows up in errors and the shell.
        return f"Safety plan #{self.pk}"

    def items(self, key: str) -> list[str]:
        value: Any = (self.sections or {}).get(key, [])
        return [str(item) for item in value] if isinstance(value, list) else []

    @property
    def is_empty(self) -> bool:
        return not any(self.items(s.key) for s in SECTIONS)

    @property
    def by_section(self) -> list[tuple[Section, list[str]]]:
        """Every section, in order, with its items (an empty list when the member left it blank)."""
        return [(SECTIONS_BY_KEY[s.key], self.items(s.key)) for s in SECTIONS]

    @property
    def highlights(self) -> list[tuple[Section, list[str]]]:
        """What to offer first when the member is struggling: what helps them cope, who they can ask and what
        matters to them; if those are empty, the first parts they did fill in."""
        filled = [(section, items) for section, items in self.by_section if items]
        key = [(section, items) for section, items in filled if section.key in KEY_SECTIONS]
        return key or filled[:3]
