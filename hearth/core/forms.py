from __future__ import annotations

from typing import Any

from django import forms


class HearthForm(forms.Form):
    """Labels read as plain words ("Password", not "Password:"), for screen readers and tests alike."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
