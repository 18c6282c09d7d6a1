"""The Redis database for tests that need a real Redis of their own (a Celery worker, pub/sub between hubs).

Not 7-15: the multi-process chat tests (tests/realtime/conftest.py) flush one of those per pytest-xdist worker,
and a flush in the middle of another test took its queued Celery task with it."""

REDIS_FOR_TESTS = "redis://127.0.0.1:6379/5"
