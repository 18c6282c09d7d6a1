from __future__ import annotations

import pytest
from channels.layers import channel_layers


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """Each test runs its own event loop, so each gets a new in-memory channel layer."""
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()
