"""Everything Hearth holds about one member, as a ZIP of JSON files (one per kind of data) and a readable
`index.html`.

Only the member's own data: what they wrote (anonymous posts too, which are theirs), chose and were told. Other
people appear only by the pseudonyms the member could see anyway (whom they blocked or reported); never anyone's
email, never who reported them, never the moderator behind a decision, never a secret (token hashes, MFA keys) and
never a network address. One query per kind of data, whatever the member has written.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone

from hearth.accounts.models import ApiToken, PersonBlock, User
from hearth.chat.models import Message, MessageReaction
from hearth.communities.models import Invitation, JoinRequest, Membership
from hearth.forums.models import Post, PostRevision, Reaction, Thread
from hearth.listeners.models import ListenerProfile, SupportRequest, TrainingProgress
from hearth.moderation.models import Appeal, Report, Sanction
from hearth.notifications.models import Notification
from hearth.oncall.models import Shift
from hearth.safety.models import Screening
from hearth.wellbeing.models import SafetyPlan
from hearth.wellbeing.sections import SECTIONS

# Files bigger than this are written to a temporary file rather than kept in memory.
SPOOL_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Part:
    filename: str
    title: str
    description: str
    data: Any

    @property
    def count(self) -> int:
        if isinstance(self.data, list):
            return len(self.data)
        if isinstance(self.data, dict):
            return sum(len(v) if isinstance(v, list) else 1 for v in self.data.values() if v not in (None, [], {}))
        return 0


def _rows(qs: Any, *fields: str, **renames: str) -> list[dict[str, Any]]:
    """`values()` rows with friendlier keys: renames map output key -> lookup."""
    lookups = [*fields, *renames.values()]
    back = {lookup: key for key, lookup in renames.items()}
    return [{back.get(k, k): v for k, v in row.items()} for row in qs.values(*lookups)]


def _profile(user: User) -> dict[str, Any]:
    emails = _rows(EmailAddress.objects.filter(user=user).order_by("id"), "email", "primary", "verified")
    return {
        "pseudonym": user.username,
        "email_for_account_recovery": user.email,
        "email_addresses": emails,
        "date_joined": user.date_joined,
        "last_sign_in": user.last_login,
        "roles": user.role_names,
        "age_confirmed_at": user.age_confirmed_at,
        "guidelines_accepted_at": user.guidelines_accepted_at,
        "bio": user.bio,
        "show_communities_on_profile": user.show_communities,
        "preferences": {
            "hidden_topics": user.hidden_topics,
            "muted_words": user.muted_words,
            "theme": user.theme,
            "text_size": user.text_size,
            "reduce_motion": user.reduce_motion,
        },
    }


def _memberships(user: User) -> dict[str, Any]:
    return {
        "communities": _rows(
            Membership.objects.filter(user=user).order_by("joined_at"),
            "role",
            "joined_at",
            community="community__name",
            community_slug="community__slug",
        ),
        "join_requests": _rows(
            JoinRequest.objects.filter(user=user).order_by("created_at"),
            "status",
            "created_at",
            "decided_at",
            community="community__name",
        ),
        "invitations": _rows(
            Invitation.objects.filter(invitee=user).order_by("created_at"),
            "status",
            "created_at",
            community="community__name",
        ),
    }


def _posts(user: User) -> list[dict[str, Any]]:
    revisions: dict[int, list[dict[str, Any]]] = {}
    for row in _rows(
        PostRevision.objects.filter(post__author=user).order_by("created_at"),
        "post_id",
        "body",
        "title",
        "topics",
        replaced_at="created_at",
    ):
        revisions.setdefault(row.pop("post_id"), []).append(row)
    posts = _rows(
        Post.objects.filter(author=user).order_by("created_at", "id"),
        "id",
        "number",
        "is_anonymous",
        "body",
        "topics",
        "status",
        "created_at",
        "edited_at",
        "deleted_at",
        thread_id="thread_id",
        thread_title="thread__title",
        community="thread__community__name",
    )
    for post in posts:
        post["earlier_versions"] = revisions.get(post["id"], [])
    return posts


def _reactions(user: User) -> dict[str, Any]:
    return {
        "on_posts": _rows(
            Reaction.objects.filter(user=user).order_by("created_at"),
            "kind",
            "created_at",
            post_id="post_id",
            thread_id="post__thread_id",
        ),
        "on_chat_messages": _rows(
            MessageReaction.objects.filter(user=user).order_by("created_at"),
            "kind",
            "created_at",
            room_id="message__room_id",
            message_number="message__seq",
        ),
    }


def _reports(user: User) -> list[dict[str, Any]]:
    return _rows(
        Report.objects.filter(reporter=user).order_by("created_at"),
        "reason",
        "details",
        "created_at",
        post_id="post_id",
        room_id="message__room_id",
        message_number="message__seq",
        member="member__username",
    )


def _blocks(user: User) -> list[dict[str, Any]]:
    return _rows(
        PersonBlock.objects.filter(owner=user).order_by("created_at"), "kind", "created_at", member="target__username"
    )


def _notifications(user: User) -> list[dict[str, Any]]:
    return _rows(
        Notification.objects.filter(user=user).order_by("created_at"),
        "kind",
        "title",
        "body",
        "url",
        "created_at",
        "read_at",
    )


def _wellbeing(user: User) -> dict[str, Any]:
    plan = SafetyPlan.objects.filter(user=user).first()
    if plan is None:
        return {"safety_plan": None}
    return {
        "safety_plan": {
            "sections": {s.title: plan.items(s.key) for s in SECTIONS},
            "created_at": plan.created_at,
            "updated_at": plan.updated_at,
        }
    }


def _chat_messages(user: User) -> list[dict[str, Any]]:
    return _rows(
        Message.objects.filter(author=user).order_by("created_at", "id"),
        "body",
        "topics",
        "status",
        "created_at",
        "deleted_at",
        room_id="room_id",
        room="room__title",
        room_kind="room__kind",
        message_number="seq",
    )


def _listener(user: User) -> dict[str, Any]:
    profile = _rows(ListenerProfile.objects.filter(user=user), "status", "topics", "languages", "max_chats")
    training = _rows(TrainingProgress.objects.filter(user=user), "lessons_read", "attempts", "last_score", "passed_at")
    listened = _rows(
        SupportRequest.objects.filter(listener=user).order_by("created_at"),
        "topics",
        "language",
        "status",
        "matched_at",
        "ended_at",
    )
    return {
        "listener_profile": profile[0] if profile else None,
        "training": training[0] if training else None,
        # The people who talked to you are not named here, and not their ratings: those are theirs.
        "chats_you_listened_in": listened,
    }


def _support_requests(user: User) -> list[dict[str, Any]]:
    return _rows(
        SupportRequest.objects.filter(member=user).order_by("created_at"),
        "topics",
        "language",
        "status",
        "created_at",
        "matched_at",
        "ended_at",
        rating_you_gave="rating",
    )


def _moderation(user: User) -> dict[str, Any]:
    return {
        # Never who reported you, nor which moderator decided: only what was decided and why.
        "decisions_about_you": _rows(
            Sanction.objects.filter(member=user).order_by("created_at"),
            "kind",
            "reason",
            "created_at",
            "ends_at",
            "lifted_at",
            community="community__name",
        ),
        "your_appeals": _rows(
            Appeal.objects.filter(appellant=user).order_by("created_at"),
            "statement",
            "status",
            "created_at",
            "decided_at",
            "response",
        ),
        "safety_checks_of_your_writing": _rows(
            Screening.objects.filter(author=user).order_by("created_at"),
            "content_kind",
            "action",
            "risk_level",
            "reasons",
            "created_at",
        ),
        "your_on_call_shifts": _rows(
            Shift.objects.filter(moderator=user).order_by("starts_at"),
            "role",
            "starts_at",
            "ends_at",
            community="community__name",
        ),
    }


def _api_tokens(user: User) -> list[dict[str, Any]]:
    # Names and dates only: the hash is never exported.
    return _rows(ApiToken.objects.filter(user=user).order_by("created_at"), "name", "created_at", "last_used_at")


def _security(user: User) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if apps.is_installed("allauth.mfa"):
        from allauth.mfa.models import Authenticator  # noqa: PLC0415 (only when the app is installed)

        # The kind and dates of each method; never its secret, codes or key.
        data["two_factor_methods"] = _rows(
            Authenticator.objects.filter(user=user).order_by("created_at"), "type", "created_at", "last_used_at"
        )
    if apps.is_installed("allauth.usersessions"):
        from allauth.usersessions.models import UserSession  # noqa: PLC0415

        # Network addresses are left out: a file that leaves Hearth must not tie a pseudonym to one.
        data["sessions"] = _rows(
            UserSession.objects.filter(user=user).order_by("created_at"), "created_at", "last_seen_at", "user_agent"
        )
    if apps.is_installed("axes"):
        from axes.models import AccessAttempt  # noqa: PLC0415

        data["failed_sign_ins"] = _rows(
            AccessAttempt.objects.filter(username=user.username.lower()).order_by("attempt_time"),
            "attempt_time",
            "failures_since_start",
        )
    return data


def collect(user: User) -> list[Part]:
    """Every part of the export, in the order the summary lists them."""
    threads = _rows(
        Thread.objects.filter(author=user).order_by("created_at", "id"),
        "id",
        "title",
        "is_anonymous",
        "status",
        "created_at",
        "deleted_at",
        community="community__name",
    )
    return [
        Part("profile.json", "Profile and preferences", "Your pseudonym, email, bio and choices.", _profile(user)),
        Part("memberships.json", "Communities", "Communities you joined, asked to join or were invited to.",
             _memberships(user)),
        Part("threads.json", "Threads", "Threads you started, anonymous ones included.", threads),
        Part("posts.json", "Posts", "Every post you wrote, anonymous ones included, with earlier versions.",
             _posts(user)),
        Part("reactions.json", "Reactions", "Support reactions you sent on posts and chat messages.", _reactions(user)),
        Part("reports.json", "Reports you made", "Posts and members you reported, and why.", _reports(user)),
        Part("blocks.json", "Blocks and mutes", "Members you blocked or muted.", _blocks(user)),
        Part("notifications.json", "Notifications", "Notifications Hearth sent you.", _notifications(user)),
        Part("wellbeing.json", "Safety plan", "Your safety plan, as you last saved it.", _wellbeing(user)),
        Part("chat_messages.json", "Chat messages", "Messages you wrote in chats and sessions.", _chat_messages(user)),
        Part("listener.json", "Listening", "Your listener profile, training and the chats you listened in.",
             _listener(user)),
        Part("support_requests.json", "Support requests", "Times you asked to talk to a listener, and your ratings.",
             _support_requests(user)),
        Part("moderation.json", "Moderation and safety", "Decisions about you, your appeals, safety checks of what "
             "you wrote and your on-call shifts.", _moderation(user)),
        Part("api_tokens.json", "API tokens", "Names and dates of your personal API tokens (never the tokens).",
             _api_tokens(user)),
        Part("security.json", "Sign-in security", "Two-factor methods by type and date, sessions and failed "
             "sign-ins (never secrets or network addresses).", _security(user)),
    ]  # fmt: skip


def build_export(user: User) -> IO[bytes]:
    """The member's export as a ZIP, rewound and ready to send. The caller closes it."""
    parts = collect(user)
    now = timezone.now()
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (returned to the caller, who closes it)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for part in parts:
            archive.writestr(part.filename, json.dumps(part.data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False))
        summary = render_to_string(
            "privacy/export/index.html",
            {"parts": parts, "profile": parts[0].data, "wellbeing": parts[8].data, "generated_at": now},
        )
        archive.writestr("index.html", summary)
    out.seek(0)
    return out


def export_filename() -> str:
    # No pseudonym in the name: download lists and file managers show it to anyone at the screen.
    return f"hearth-data-{timezone.now():%Y-%m-%d}.zip"
