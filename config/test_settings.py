"""Overrides for the test suite only."""

import os

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
# SQLite tests run in memory, one database per test worker, as Django does for SQLite by default. Said outright:
# pytest-django recognises only Django's own SQLite engine by name, and with the metrics wrapper's it made each
# worker's database a file named after the path of the real one, which cannot be opened.
for _alias in DATABASES.values():  # noqa: F405
    if _alias["ENGINE"].endswith("sqlite3"):
        _alias["TEST"] = {**_alias.get("TEST", {}), "NAME": ":memory:"}
