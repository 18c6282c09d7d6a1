"""Stored network addresses are dropped once HEARTH_IP_RETENTION_DAYS have passed, and only then."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from allauth.usersessions.models import UserSession
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from hearth.core.ip_retention import NO_ADDRESS, purge_ip_addresses
from hearth.core.testing.factories import UserFactory

OLD_IP, NEW_IP = "203.0.113.77", "198.51.100.23"
PASSWORD = "correct horse battery staple"


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def attempt(ip: str, *, age_days: int) -> AccessAttempt:
    row = AccessAttempt.objects.create(
        username="quietheron42",
        ip_address=ip,
        user_agent="Firefox",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=1,
    )
    # attempt_time is set on insert (auto_now_add): age it afterwards.
    AccessAttempt.objects.filter(id=row.id).update(attempt_time=days_ago(age_days))
    return row


def log(model, ip: str, *, age_days: int):
    row = model.objects.create(
        username="quietheron42", ip_address=ip, user_agent="Firefox", http_accept="*/*", path_info="/"
    )
    model.objects.filter(id=row.id).update(attempt_time=days_ago(age_days))
    return row


def session(user, ip: str, *, age_days: int, key: str) -> UserSession:
    return UserSession.objects.create(
        user=user, ip=ip, user_agent="Firefox on Linux", session_key=key, last_seen_at=days_ago(age_days)
    )


@pytest.fixture
def stored(db):
    """One old and one recent row in every place an address is kept."""
    user = UserFactory()
    return {
        "attempts": (attempt(OLD_IP, age_days=31), attempt(NEW_IP, age_days=2)),
        "access_logs": (log(AccessLog, OLD_IP, age_days=40), log(AccessLog, NEW_IP, age_days=29)),
        "failure_logs": (log(AccessFailureLog, OLD_IP, age_days=31), log(AccessFailureLog, NEW_IP, age_days=1)),
        "sessions": (session(user, OLD_IP, age_days=31, key="a" * 32), session(user, NEW_IP, age_days=3, key="b" * 32)),
    }


def every_stored_address() -> set[str | None]:
    return (
        set(AccessAttempt.objects.values_list("ip_address", flat=True))
        | set(AccessLog.objects.values_list("ip_address", flat=True))
        | set(AccessFailureLog.objects.values_list("ip_address", flat=True))
        | set(UserSession.objects.values_list("ip", flat=True))
    )


def test_purge_ip_addresses_drops_every_old_address_and_keeps_recent_ones(stored):
    purged = purge_ip_addresses()

    assert (purged.attempts, purged.access_logs, purged.failure_logs, purged.sessions) == (1, 1, 1, 1)
    assert OLD_IP not in every_stored_address()
    assert NEW_IP in every_stored_address()
    # The old failed sign-in is gone; the records stay, without address or browser.
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [NEW_IP]
    old_log = AccessLog.objects.get(id=stored["access_logs"][0].id)
    assert (old_log.ip_address, old_log.user_agent, old_log.username) == (None, "", "quietheron42")
    old_session = UserSession.objects.get(id=stored["sessions"][0].id)
    assert (old_session.ip, old_session.user_agent) == (NO_ADDRESS, "")
    assert UserSession.objects.get(id=stored["sessions"][1].id).ip == NEW_IP


def test_purge_ip_addresses_changes_nothing_the_second_time(stored):
    purge_ip_addresses()

    assert purge_ip_addresses().total == 0


def test_purge_ip_addresses_follows_the_setting(stored, settings):
    settings.HEARTH_IP_RETENTION_DAYS = 2

    purge_ip_addresses()

    assert every_stored_address() == {NEW_IP, None, NO_ADDRESS}  # only the 1-day-old failure log keeps its address
    assert set(AccessFailureLog.objects.values_list("ip_address", flat=True)) == {None, NEW_IP}


def test_purge_ip_addresses_command_prints_counts_and_never_an_address(stored):
    out = StringIO()

    call_command("purge_ip_addresses", stdout=out)

    text = out.getvalue()
    assert "1 failed sign-ins deleted" in text
    assert "1 sessions blanked" in text
    assert OLD_IP not in text
    assert NEW_IP not in text


def test_the_sweep_beside_the_server_drops_old_addresses(stored):
    out = StringIO()

    call_command("run_escalations", stdout=out)

    assert OLD_IP not in every_stored_address()
    assert "Dropped 4 stored network address" in out.getvalue()
    assert OLD_IP not in out.getvalue()


def test_signing_in_keeps_no_access_log(client, db):
    """AXES_DISABLE_ACCESS_LOG: a successful sign-in writes no address anywhere in axes' tables."""
    UserFactory(username="QuietHeron42")

    client.post(reverse("account_login"), {"login": "QuietHeron42", "password": "wrong password"})
    client.post(reverse("account_login"), {"login": "QuietHeron42", "password": PASSWORD})

    assert "_auth_user_id" in client.session
    assert not AccessLog.objects.exists()
    assert not AccessFailureLog.objects.exists()
    # The failure that counted towards a lockout was reset by the successful sign-in.
    assert not AccessAttempt.objects.exists()
