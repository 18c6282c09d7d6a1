"""Settings for the Celery worker that test_tasks.py starts: production settings, with email written to files in
HEARTH_TEST_MAIL_DIR instead of leaving for a mail server."""

import os

from config.settings import *  # noqa: F403

HEARTH_EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["HEARTH_TEST_MAIL_DIR"]
