"""Fixed-window write limits in the cache."""

from __future__ import annotations

import datetime as dt

import pytest
import redis
import time_machine

from config import settings as real_settings
from hearth.core.cache import TolerantRedisCache
from hearth.core.errors import RateLimited
from hearth.lib.ratelimit import _human, check_rate_limit

START = dt.datetime(2025, 3, 1, 12, 0, 10, tzinfo=dt.UTC)  # 10 seconds into a minute and an hour


@pytest.fixture
def tiny_limits(settings):
    settings.HEARTH_API_RATE_LIMITS = {"post": (2, 60), "thread": (1, 3600)}


def test_check_rate_limit_allows_up_to_the_limit(tiny_limits):
    with time_machine.travel(START, tick=False):
        check_rate_limit("post", key="7")
        check_rate_limit("post", key="7")


def test_check_rate_limit_fails_once_over_the_limit(tiny_limits):
    with time_machine.travel(START, tick=False):
        check_rate_limit("post", key="7")
        check_rate_limit("post", key="7")

        with pytest.raises(RateLimited) as excinfo:
            check_rate_limit("post", key="7")

    assert excinfo.value.status == 429
    assert excinfo.value.code == "rate_limited"
    # The window ends 50 seconds later; one more second covers rounding.
    assert excinfo.value.retry_after == 51
    assert "51 seconds" in excinfo.value.message


def test_check_rate_limit_keeps_refusing_within_the_window(tiny_limits):
    with time_machine.travel(START, tick=False):
        check_rate_limit("thread", key="7")
        for _ in range(3):
            with pytest.raises(RateLimited):
                check_rate_limit("thread", key="7")


def test_check_rate_limit_counts_each_key_apart(tiny_limits):
    with time_machine.travel(START, tick=False):
        check_rate_limit("thread", key="7")

        check_rate_limit("thread", key="8")


def test_check_rate_limit_counts_each_action_apart(tiny_limits):
    with time_machine.travel(START, tick=False):
        check_rate_limit("thread", key="7")

        check_rate_limit("post", key="7")


def test_check_rate_limit_allows_again_in_the_next_window(tiny_limits):
    with time_machine.travel(START, tick=False):
        check_rate_limit("post", key="7")
        check_rate_limit("post", key="7")
    with time_machine.travel(START + dt.timedelta(seconds=50), tick=False):
        check_rate_limit("post", key="7")


def test_check_rate_limit_reports_long_waits_in_minutes(tiny_limits):
    with time_machine.travel(START, tick=False):
        check_rate_limit("thread", key="7")
        with pytest.raises(RateLimited) as excinfo:
            check_rate_limit("thread", key="7")

    assert excinfo.value.retry_after == 3591
    assert "60 minutes" in excinfo.value.message


@pytest.mark.parametrize(
    ("seconds", "text"), [(2, "2 seconds"), (89, "89 seconds"), (90, "2 minutes"), (3600, "60 minutes")]
)
def test_human_describes_a_wait(seconds, text):
    assert _human(seconds) == text


def test_real_settings_limit_every_write_the_services_rate_limit():
    assert {"thread", "post", "reaction", "edit"} <= set(real_settings.HEARTH_API_RATE_LIMITS)


REDIS_LOCATION = "redis://127.0.0.1:6379/14"


def needs_redis() -> None:
    try:
        redis.Redis.from_url(REDIS_LOCATION, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379")


def test_the_shared_count_takes_one_round_trip_and_expires_with_its_window():
    """On Redis a count is INCR and EXPIRE in one pipeline, where add() and incr() took three round trips."""
    needs_redis()
    location = REDIS_LOCATION
    backend = TolerantRedisCache(location, {"KEY_PREFIX": "ratelimit-test"})
    backend.delete("rl:post:7:1")
    sent: list[int] = []
    real_execute = redis.client.Pipeline.execute

    def execute(pipeline, *args, **kwargs):
        sent.append(len(pipeline.command_stack))
        return real_execute(pipeline, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(redis.client.Pipeline, "execute", execute)
        counts = [backend.count("rl:post:7:1", 61) for _ in range(3)]
    assert counts == [1, 2, 3]
    assert sent == [2, 2, 2]  # one round trip each: INCR and EXPIRE together
    assert backend.get("rl:post:7:1") == 3
    raw = redis.Redis.from_url(location)
    assert 55 <= raw.ttl(backend.make_and_validate_key("rl:post:7:1")) <= 61
    backend.delete("rl:post:7:1")


def test_limits_on_the_shared_cache_count_in_one_round_trip(settings):
    """check_rate_limit itself takes the one-round-trip count when the default cache is Redis (it once looked at
    Django's cache proxy, which is no TolerantRedisCache, and took three)."""
    needs_redis()
    settings.CACHES = {
        "default": {
            "BACKEND": "hearth.core.cache.TolerantRedisCache",
            "LOCATION": REDIS_LOCATION,
            "KEY_PREFIX": "ratelimit-check-test",
        }
    }
    settings.HEARTH_API_RATE_LIMITS = {"post": (2, 60)}
    commands: list[str] = []
    real_execute_command = redis.Redis.execute_command
    real_execute = redis.client.Pipeline.execute

    def execute_command(client, *args, **options):
        commands.append(str(args[0]))
        return real_execute_command(client, *args, **options)

    def execute(pipeline, *args, **kwargs):
        commands.append("+".join(str(command[0][0]) for command in pipeline.command_stack))
        return real_execute(pipeline, *args, **kwargs)

    with time_machine.travel(START, tick=False), pytest.MonkeyPatch.context() as patch:
        patch.setattr(redis.Redis, "execute_command", execute_command)
        patch.setattr(redis.client.Pipeline, "execute", execute)
        check_rate_limit("post", key="70")
        check_rate_limit("post", key="70")
        with pytest.raises(RateLimited):
            check_rate_limit("post", key="70")
    assert commands == ["INCRBY+EXPIRE"] * 3
