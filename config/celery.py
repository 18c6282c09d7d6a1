"""The Celery application: background work (email, safety re-screening) for workers started with
`celery -A config worker`. Tasks live in each app's tasks.py.

With CELERY_BROKER_URL unset (the embedded default), nothing is queued: tasks run in the process that asks for
them, as `make run` needs no broker. Settings are the CELERY_* names in config/settings.py.
"""

from __future__ import annotations

import os

from celery import Celery  # type: ignore[import-untyped]

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("hearth")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
