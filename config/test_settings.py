"""Overrides for the test suite only."""

import hashlib
import os
import tempfile
from pathlib import Path

# Settings refuse to start without a secret key when DEBUG is off, as tests run.
os.environ.setdefault("SECRET_KEY", "hearth-tests-only-not-a-secret")
# Fixed, public keys for the tests' data; servers the tests start inherit them (tests/realtime).
os.environ.setdefault("HEARTH_ENCRYPTION_KEYS", "aGVhcnRoLXRlc3RzLW9ubHktZW5jcnlwdGlvbi1rZXk=")
os.environ.setdefault("HEARTH_BLIND_INDEX_KEYS", "aGVhcnRoLXRlc3RzLW9ubHktYmxpbmQtaW5kZXgta3k=")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # For speed
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# Static files straight from the apps, for the ASGI test server (Django's live_server serves them itself).
WHITENOISE_USE_FINDERS = True
HEARTH_QUICK_EXIT_URL = "https://neutral.example/weather"
# Threads in tests (the ASGI test server, socket tests) must not keep connections to the test database, which
# is dropped at the end of the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# A second alias on the test database, as a read replica would be, for the router's tests
# (hearth/core/tests/test_dbrouter.py). No router is installed unless a test installs one.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
DATABASE_ROUTERS = []
# SQLite tests use a file per test worker, named outright: pytest-django recognises only Django's own SQLite engine
# by name, and with the metrics wrapper's it named each worker's database after the real one's path, which cannot be
# opened. A file rather than Django's shared in-memory database, because the browser and socket tests write from
# server threads, and shared-cache memory databases fail at once on a locked table where a file waits its turn.
_TEST_DIR = Path(tempfile.gettempdir()) / f"hearth-tests-{hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:8]}"  # noqa: F405
for _alias in DATABASES.values():  # noqa: F405
    if _alias["ENGINE"].endswith("sqlite3"):
        _TEST_DIR.mkdir(exist_ok=True)
        _alias["TEST"] = {**_alias.get("TEST", {}), "NAME": str(_TEST_DIR / "test.sqlite3")}
        # Nothing here must survive a power cut: skip the flushes to disk that make each commit slow.
        _alias.setdefault("OPTIONS", {})["init_command"] = "PRAGMA synchronous = OFF"
