"""Urgent posts built directly, so on-call tests don't depend on the analyzers' judgement."""

from __future__ import annotations

from django.db.models import F

from hearth.communities.models import Community
from hearth.core.testing.factories import make_member, make_thread
from hearth.forums.models import ContentStatus, Post
from hearth.moderation.models import QueueItem
from hearth.moderation.services import enqueue_post
from hearth.safety.analyzers.base import RiskLevel
from hearth.safety.policy import Action, Decision

SECRET_WORDS = "Tonight I will use the blue pills in the drawer"


def urgent_post(community, *, risk=RiskLevel.IMMINENT, published=False, author=None) -> tuple[Post, QueueItem]:
    """A reply at `risk`, queued through `enqueue_post` (which alerts on call). `published=True` is what a
    community with the "publish and alert" policy does."""
    thread = make_thread(community)
    author = author or make_member(community, username="HopefulFinch9")
    post = Post.objects.create(
        thread=thread,
        number=2,
        author=author,
        body=SECRET_WORDS,
        body_html=f"<p>{SECRET_WORDS}</p>",
        status=ContentStatus.PUBLISHED if published else ContentStatus.HELD,
        risk_level=int(risk),
    )
    thread.last_post_number = 2
    if published:
        thread.reply_count += 1
    thread.save(update_fields=["last_post_number", "reply_count"])
    if published:
        Community.objects.filter(id=community.id).update(post_count=F("post_count") + 1)
    decision = Decision(
        action=Action.PUBLISH_WITH_WARNING if published else Action.HOLD,
        risk_level=risk,
        reasons=(f"Crisis risk: {risk.label}.",),
        show_help=True,
        needs_moderator=True,
        queue_kinds=("crisis",),
    )
    item = enqueue_post(post, decision=decision, screening=None)
    assert item is not None
    return post, item
