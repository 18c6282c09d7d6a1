"""Scrubbing a pseudonym and email addresses out of every free-text column of every table.

Used by erasure: whatever others wrote, quoted or were told about an erased member (posts, chat, notifications,
post history, the audit log's reasons) keeps its words but loses the pseudonym and the addresses. Whole words
only, in any case: "Sam" never turns "same" into nonsense. Structural tables (content types, permissions,
sessions) and columns with fixed choices are left alone, so a pseudonym such as "Hidden" cannot rewrite a status.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast

REMOVED_MEMBER = "Removed member"
EMAIL_REMOVED = "[email removed]"

_STRUCTURAL_APPS = frozenset({"contenttypes", "auth", "sessions", "privacy"})
_TEXT_TYPES = frozenset({"CharField", "TextField", "JSONField"})


class Needle:
    def __init__(self, term: str, pattern: re.Pattern[str], replacement: str) -> None:
        self.term, self.pattern, self.replacement = term, pattern, replacement

    def replace(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.pattern.sub(self.replacement, value)
        if isinstance(value, list):
            return [self.replace(v) for v in value]
        if isinstance(value, dict):
            return {self.replace(k): self.replace(v) for k, v in value.items()}
        return value


def pseudonym_needle(pseudonym: str) -> Needle:
    pattern = re.compile(rf"(?<![A-Za-z0-9_-]){re.escape(pseudonym)}(?![A-Za-z0-9_-])", re.IGNORECASE)
    return Needle(pseudonym, pattern, REMOVED_MEMBER)


def email_needle(email: str) -> Needle:
    pattern = re.compile(rf"(?<![A-Za-z0-9._%+-]){re.escape(email)}(?![A-Za-z0-9-])", re.IGNORECASE)
    return Needle(email, pattern, EMAIL_REMOVED)


def _text_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.get_internal_type() in _TEXT_TYPES and not f.choices and not f.primary_key
    ]


def scrub_everywhere(needles: list[Needle]) -> int:
    """Replace each needle in every free-text column of every table; returns how many values changed.

    Plain columns are searched by the database; columns that store something else than the text (encrypted
    fields) are read and searched here."""
    changed = 0
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or meta.app_label in _STRUCTURAL_APPS:
            continue
        for field in _text_fields(model):
            changed += _scrub_column(model, field, needles)
    return changed


def _scrub_column(model: type[models.Model], field: models.Field[Any, Any], needles: list[Needle]) -> int:
    manager = model._base_manager
    name = field.attname
    rows: Iterable[tuple[Any, Any]]
    if type(field).__module__.startswith("django."):
        lookup = name
        qs = manager.all()
        if field.get_internal_type() == "JSONField":
            qs = qs.annotate(_scrub_text=Cast(name, output_field=TextField()))
            lookup = "_scrub_text"
        match = Q()
        for needle in needles:
            match |= Q(**{f"{lookup}__icontains": needle.term})
        rows = qs.filter(match).values_list("pk", name)
    else:
        rows = manager.values_list("pk", name).iterator(chunk_size=500)
    updates = []
    for pk, value in rows:
        new = value
        for needle in needles:
            new = needle.replace(new)
        if new != value:
            updates.append((pk, new))
    # Written after reading: some databases cannot update a table while a cursor over it is open.
    for pk, new in updates:
        manager.filter(pk=pk).update(**{name: new})
    return len(updates)
