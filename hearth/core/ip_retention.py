"""Network addresses are kept only as long as abuse control needs them (HEARTH_IP_RETENTION_DAYS), then dropped.

Where Hearth stores them:
- django-axes: failed sign-ins (AccessAttempt) lock out a pseudonym+address pair; the access and failure logs are
  switched off in settings, but rows written before that, or while they were on, are swept too;
- allauth's user sessions (when installed): the address and browser of each signed-in session;
- rate limits hold only a keyed hash of the address, in the cache, expiring within the hour (lib/ratelimit.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

# allauth's UserSession.ip cannot be empty: the unspecified address stands for "dropped".
NO_ADDRESS = "0.0.0.0"  # noqa: S104 (a placeholder stored in the database, never bound to)


@dataclass(frozen=True)
class PurgedAddresses:
    attempts: int = 0
    access_logs: int = 0
    failure_logs: int = 0
    sessions: int = 0

    @property
    def total(self) -> int:
        return self.attempts + self.access_logs + self.failure_logs + self.sessions


def ip_retention_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.HEARTH_IP_RETENTION_DAYS)


@transaction.atomic
def purge_ip_addresses(*, now: datetime | None = None) -> PurgedAddresses:
    """Delete or blank every stored address older than the retention period. Running it again changes nothing."""
    cutoff = ip_retention_cutoff(now)
    # A failed sign-in older than the cutoff no longer locks anyone out (the cool-off is minutes): delete it.
    _, deleted = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
    attempts = deleted.get(AccessAttempt._meta.label, 0)
    # Sign-in records keep their time and pseudonym for admins; the address and browser go.
    old_logs = {"attempt_time__lt": cutoff, "ip_address__isnull": False}
    access_logs = AccessLog.objects.filter(**old_logs).update(ip_address=None, user_agent="")
    failure_logs = AccessFailureLog.objects.filter(**old_logs).update(ip_address=None, user_agent="")
    return PurgedAddresses(
        attempts=attempts,
        access_logs=access_logs,
        failure_logs=failure_logs,
        sessions=_purge_session_addresses(cutoff),
    )


def _purge_session_addresses(cutoff: datetime) -> int:
    """Sessions not seen since the cutoff lose their address and browser; a session still in use gets its
    current ones back when next seen (hearth.accounts.sessions.SessionActivityMiddleware)."""
    if not apps.is_installed("allauth.usersessions"):
        return 0
    from allauth.usersessions.models import UserSession  # noqa: PLC0415 (only when the app is installed)

    stale = UserSession.objects.filter(last_seen_at__lt=cutoff).exclude(ip=NO_ADDRESS, user_agent="")
    blanked: int = stale.update(ip=NO_ADDRESS, user_agent="")
    return blanked
