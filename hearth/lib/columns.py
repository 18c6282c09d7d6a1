"""Which columns a query loads: pages that show an author need the pseudonym, never the whole member row."""

from __future__ import annotations

from django.db.models import Model

# What a page or the API shows of an author: the pseudonym, and the roles the API names (User.role_names).
AUTHOR_SHOWN = ("username", "is_listener", "is_professional", "is_global_moderator", "is_active", "is_superuser",
                "is_staff")  # fmt: skip


def columns_of(model: type[Model], relation: str = "") -> list[str]:
    """Every column of `model`, for `only()`, named through `relation` when it is reached by select_related."""
    prefix = f"{relation}__" if relation else ""
    return [prefix + field.name for field in model._meta.concrete_fields]


def author_shown(relation: str = "author") -> list[str]:
    """The author's shown columns, for `only()`: loading whole members (sealed email, bio, preferences) cost more
    than the rows that were asked for, and a list or page never shows them."""
    return [f"{relation}__{name}" for name in AUTHOR_SHOWN]
