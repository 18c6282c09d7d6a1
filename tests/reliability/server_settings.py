"""Production settings for the reliability tests' server processes, with static files served straight from
the apps: the pages render without running collectstatic (and its compression) before every test run."""

from config.settings import *  # noqa: F403

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
