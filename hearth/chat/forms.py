from __future__ import annotations

from django import forms

from hearth.chat.services import MAX_MESSAGE
from hearth.core.forms import HearthForm


class MessageForm(HearthForm):
    body = forms.CharField(
        label="Message",
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
        error_messages={"required": "Write something before sending."},
    )
    # Made when the page is drawn, so sending the form twice stores the message once.
    client_id = forms.CharField(widget=forms.HiddenInput, max_length=64)
    reply_to = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class SessionForm(HearthForm):
    title = forms.CharField(label="Title", max_length=120)
    description = forms.CharField(
        label="What the session is about", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    opens_at = forms.DateTimeField(
        label="Starts at", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    minutes = forms.IntegerField(label="Length in minutes", min_value=15, max_value=360, initial=60)
