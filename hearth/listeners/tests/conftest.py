from __future__ import annotations

import pytest
from django.utils import timezone

from hearth.core.testing.factories import UserFactory
from hearth.listeners.models import ListenerProfile, ListenerStatus, TrainingProgress


def make_listener(username: str, *, status: str = ListenerStatus.AVAILABLE, topics: list[str] | None = None):
    """A listener who passed the training today and is available (unless told otherwise)."""
    user = UserFactory(username=username, is_listener=True)
    TrainingProgress.objects.create(user=user, passed_at=timezone.now(), lessons_read=[])
    ListenerProfile.objects.create(user=user, status=status, topics=topics or [], languages=["en"])
    return user


@pytest.fixture
def listener(db):
    return make_listener("GentleOwl55")
