from __future__ import annotations

from django import forms

from hearth.core.forms import HearthForm
from hearth.moderation.models import ReportReason


class ReportForm(HearthForm):
    reason = forms.ChoiceField(
        label="What's wrong?", choices=ReportReason.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose what is wrong."},
    )  # fmt: skip
    details = forms.CharField(
        label="Anything the moderators should know (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only moderators read this. The person you report is never told who reported them.",
    )


class AppealForm(HearthForm):
    statement = forms.CharField(
        label="Why should this decision change?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Another moderator will read it, usually within a day.",
        error_messages={"required": "Tell the moderators why you think the decision should change."},
    )
