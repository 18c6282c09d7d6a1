"""Reads for the "Your data" page and the API: what deleting the account would do, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.utils import timezone

from hearth.accounts.models import User


def erasure_days() -> int:
    return int(settings.HEARTH_ERASURE_DAYS)


def mfa_required(user: User) -> bool:
    """Whether deleting the account also needs a two-factor code (the member has set two-factor up)."""
    if not apps.is_installed("allauth.mfa"):
        return False
    from allauth.mfa.utils import is_mfa_enabled  # noqa: PLC0415 (only when the app is installed)

    return bool(is_mfa_enabled(user))


@dataclass(frozen=True)
class ErasurePlan:
    days: int
    completes_by: datetime  # if the member confirmed now
    mfa_required: bool

    @property
    def immediate(self) -> bool:
        return self.days == 0


def erasure_plan(user: User) -> ErasurePlan:
    days = erasure_days()
    return ErasurePlan(days=days, completes_by=timezone.now() + timedelta(days=days), mfa_required=mfa_required(user))
