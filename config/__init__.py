# Loaded with Django, so @shared_task binds to Hearth's Celery application (config/celery.py).
from config.celery import app as celery_app

__all__ = ["celery_app"]
