"""Forums: a community's threads, one thread's posts, replies, edits, removal, support reactions and search."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import P, QueryEx, Router, Status

from hearth.api.auth import member_of
from hearth.api.schemas.common import AUTH, UNSAFE, NudgeOut, PageQuery, Text, errors
from hearth.api.schemas.forums import (
    PostEditIn,
    PostOut,
    ReactionIn,
    ReadIn,
    ReplyIn,
    RevisionOut,
    SearchPageOut,
    ThreadDetailOut,
    ThreadIn,
    ThreadPageOut,
)
from hearth.forums.models import Post, ReactionKind, Thread
from hearth.forums.selectors import (
    SEARCH_QUERY_LENGTH,
    clamp_page,
    community_threads,
    decorate_threads,
    page_of_post,
    search_posts,
    thread_posts,
)
from hearth.forums.services import (
    add_reaction,
    add_reply,
    create_thread,
    delete_post,
    edit_post,
    mark_read,
    remove_reaction,
)
from hearth.permissions import (
    NOT_FOUND,
    AnyUser,
    access_community,
    access_post,
    access_thread,
    check_read_community_permission,
    check_view_post_history_permission,
)
from hearth.safety.services import parse_acknowledged, redact_own_details

router = Router()


def _thread_detail(viewer: AnyUser, thread: Thread, *, page: int) -> ThreadDetailOut:
    posts = thread_posts(viewer, thread, page=clamp_page(page))
    return ThreadDetailOut.from_page(viewer, decorate_threads(viewer, [thread])[0], posts)


def _post_out(viewer: AnyUser, thread: Thread, post: Post) -> PostOut:
    """The post as `viewer` sees it on its page of the thread (reactions, unread marker, what they may do)."""
    page = thread_posts(viewer, thread, page=page_of_post(post.number))
    decorated = next((p for p in page.posts if p.id == post.id), None)
    if decorated is None:
        raise Http404(NOT_FOUND)
    return PostOut.from_post(viewer, decorated)


@router.get("/communities/{slug}/threads", response={200: ThreadPageOut, **errors(*AUTH, 403, 404, 422)})
def list_threads(request: HttpRequest, slug: Text, page: PageQuery = 1) -> ThreadPageOut:
    """A page of the community's threads, most recently active first."""
    user = member_of(request)
    community = access_community(user, slug)
    check_read_community_permission(user, community)
    return ThreadPageOut.from_page(user, community_threads(user, community, page=clamp_page(page)))


@router.post(
    "/communities/{slug}/threads",
    response={201: ThreadDetailOut, **errors(*UNSAFE, 404, 429), 409: NudgeOut},
)
def start_thread(request: HttpRequest, slug: Text, payload: ThreadIn) -> Status[ThreadDetailOut]:
    """Start a thread. Its text passes the safety pipeline: it may be held for a moderator (visible to you
    only until then), or put back to you first with a 409 listing the nudges."""
    user = member_of(request)
    community = access_community(user, slug)
    title, body = payload.title, payload.body
    if payload.redact:
        title, body = redact_own_details(title), redact_own_details(body)
    thread = create_thread(
        user,
        community,
        title=title,
        body=body,
        topics=[t.value for t in payload.topics],
        anonymous=payload.anonymous,
        acknowledged=parse_acknowledged([n.value for n in payload.acknowledge]),
    )
    return Status(201, _thread_detail(user, thread, page=1))


@router.get("/threads/{thread_id}", response={200: ThreadDetailOut, **errors(*AUTH, 404, 422)})
def get_thread(request: HttpRequest, thread_id: int, page: PageQuery = 1) -> ThreadDetailOut:
    """The thread and one page of its posts. Reading marks nothing read: `POST /threads/{thread_id}/read` does."""
    user = member_of(request)
    return _thread_detail(user, access_thread(user, thread_id), page=page)


@router.post("/threads/{thread_id}/read", response={204: None, **errors(*UNSAFE, 404)})
def mark_thread_read(request: HttpRequest, thread_id: int, payload: ReadIn) -> Status[None]:
    """Record how far you have read (never moves backwards)."""
    user = member_of(request)
    thread = access_thread(user, thread_id)
    up_to = thread.last_post_number if payload.up_to is None else min(payload.up_to, thread.last_post_number)
    mark_read(user, thread, up_to=up_to)
    return Status(204, None)


@router.post("/threads/{thread_id}/posts", response={201: PostOut, **errors(*UNSAFE, 404, 429), 409: NudgeOut})
def reply(request: HttpRequest, thread_id: int, payload: ReplyIn) -> Status[PostOut]:
    user = member_of(request)
    thread = access_thread(user, thread_id)
    post = add_reply(
        user,
        thread,
        body=redact_own_details(payload.body) if payload.redact else payload.body,
        topics=[t.value for t in payload.topics],
        anonymous=payload.anonymous,
        acknowledged=parse_acknowledged([n.value for n in payload.acknowledge]),
    )
    return Status(201, _post_out(user, thread, post))


@router.get("/posts/{post_id}", response={200: PostOut, **errors(*AUTH, 404, 422)})
def get_post(request: HttpRequest, post_id: int) -> PostOut:
    user = member_of(request)
    post = access_post(user, post_id)
    return _post_out(user, post.thread, post)


@router.patch("/posts/{post_id}", response={200: PostOut, **errors(*UNSAFE, 404, 429), 409: NudgeOut})
def patch_post(request: HttpRequest, post_id: int, payload: PostEditIn) -> PostOut:
    """Edit your own post. The earlier version is kept: see `GET /posts/{post_id}/revisions`."""
    user = member_of(request)
    post = access_post(user, post_id)
    body = post.body if payload.body is None else payload.body
    post = edit_post(
        user,
        post,
        body=redact_own_details(body) if payload.redact else body,
        topics=post.topics if payload.topics is None else [t.value for t in payload.topics],
        title=payload.title,
        acknowledged=parse_acknowledged([n.value for n in payload.acknowledge]),
    )
    return _post_out(user, post.thread, post)


@router.delete("/posts/{post_id}", response={204: None, **errors(*UNSAFE, 404)})
def remove_post(request: HttpRequest, post_id: int) -> Status[None]:
    """Remove a post (softly: moderators can still read it). Removing the opening post removes its thread."""
    user = member_of(request)
    delete_post(user, access_post(user, post_id))
    return Status(204, None)


@router.post("/posts/{post_id}/reactions", response={201: PostOut, **errors(*UNSAFE, 404, 409, 429)})
def react(request: HttpRequest, post_id: int, payload: ReactionIn) -> Status[PostOut]:
    user = member_of(request)
    post = access_post(user, post_id)
    add_reaction(user, post, kind=payload.kind.value)
    return Status(201, _post_out(user, post.thread, post))


@router.delete("/posts/{post_id}/reactions/{kind}", response={200: PostOut, **errors(*UNSAFE, 404, 409)})
def unreact(request: HttpRequest, post_id: int, kind: ReactionKind) -> PostOut:
    user = member_of(request)
    post = access_post(user, post_id)
    remove_reaction(user, post, kind=kind.value)
    return _post_out(user, post.thread, post)


@router.get("/posts/{post_id}/revisions", response={200: list[RevisionOut], **errors(*AUTH, 403, 404, 422)})
def list_revisions(request: HttpRequest, post_id: int) -> list[RevisionOut]:
    """Earlier versions of a post, newest first (its author and moderators only)."""
    user = member_of(request)
    post = access_post(user, post_id)
    check_view_post_history_permission(user, post)
    return [RevisionOut.from_revision(r) for r in post.revisions.order_by("-created_at", "-id")]


@router.get("/search", response={200: SearchPageOut, **errors(*AUTH, 422)})
def search(
    request: HttpRequest,
    q: QueryEx[
        Text,
        P(
            min_length=SEARCH_QUERY_LENGTH[0],
            max_length=SEARCH_QUERY_LENGTH[1],
            description="Words to look for in posts and titles.",
        ),
    ],
    page: QueryEx[int, P(description="Page number, from 1. A page past the last has no items.")] = 1,
) -> SearchPageOut:
    """Posts you can read that contain every word of `q`, newest first. Content you chose to collapse keeps its
    warnings."""
    user = member_of(request)
    return SearchPageOut.from_page(user, search_posts(user, q.strip(), page=clamp_page(page)))
