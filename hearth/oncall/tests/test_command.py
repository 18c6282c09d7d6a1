from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from hearth.oncall.management.commands import run_escalations


@pytest.mark.django_db
def test_loop_sweeps_until_stopped(monkeypatch, capsys):
    sweeps = []
    monkeypatch.setattr(run_escalations, "escalate_overdue", lambda: sweeps.append(1) or 0)
    naps = iter([None, KeyboardInterrupt()])

    def sleep(seconds):
        assert seconds == 30
        nap = next(naps)
        if nap is not None:
            raise nap

    monkeypatch.setattr(run_escalations.time, "sleep", sleep)
    call_command("run_escalations", "--loop", "30")
    assert len(sweeps) == 2
    assert "Stopped." in capsys.readouterr().out


@pytest.mark.django_db
def test_a_failed_sweep_does_not_stop_the_loop(monkeypatch):
    calls = iter([RuntimeError("database went away"), 1])

    def sweep():
        result = next(calls)
        if isinstance(result, Exception):
            raise result
        return result

    monkeypatch.setattr(run_escalations, "escalate_overdue", sweep)
    naps = iter([None, KeyboardInterrupt()])

    def sleep(seconds):
        nap = next(naps)
        if nap is not None:
            raise nap

    monkeypatch.setattr(run_escalations.time, "sleep", sleep)
    call_command("run_escalations", "--loop", "5")  # returns instead of raising


def test_a_negative_interval_is_refused():
    with pytest.raises(CommandError):
        call_command("run_escalations", "--loop", "-1")
