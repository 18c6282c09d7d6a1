from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hearth.core.errors import ApplicationError
from hearth.core.typealias import AnyRequest, AuthedRequest
from hearth.forums.forms import EditPostForm, ReplyForm, SearchForm, ThreadForm
from hearth.forums.models import ContentStatus, Post, Thread
from hearth.forums.rendering import render_posts
from hearth.forums.selectors import (
    SEARCH_RESULT_LIMIT,
    clamp_page,
    page_of_post,
    search_posts,
    thread_posts,
    thread_title_warnings,
)
from hearth.forums.services import add_reply, create_thread, delete_post, edit_post, mark_read, toggle_reaction
from hearth.permissions import (
    access_community,
    access_post,
    access_thread,
    can_post_in,
    check_delete_post_permission,
    check_edit_post_permission,
    check_post_permission,
    check_view_post_history_permission,
    is_moderator,
)
from hearth.safety.resources import country_for_request
from hearth.safety.services import parse_acknowledged
from hearth.safety.submission import (
    SAFETY_HELP_SESSION_KEY,
    Outcome,
    after_writing,
    redacted_post_data,
    submit_screened,
)
from hearth.wellbeing.selectors import safety_plan_for


def thread_post_url(thread_id: int, number: int) -> str:
    url = reverse("forums:thread", kwargs={"thread_id": thread_id})
    page = page_of_post(number)
    return f"{url}{'?page=' + str(page) if page > 1 else ''}#post-{number}"


def post_url(post: Post) -> str:
    return thread_post_url(post.thread_id, post.number)


def _after_posting(request: HttpRequest, post: Post) -> None:
    after_writing(request, post.decision, held=post.status == ContentStatus.HELD)  # type: ignore[attr-defined]


@login_required
def new_thread_view(request: AuthedRequest, slug: str) -> HttpResponse:
    community = access_community(request.user, slug)
    check_post_permission(request.user, community)
    redact = request.method == "POST" and bool(request.POST.get("redact"))
    form = ThreadForm((redacted_post_data(request, "title", "body") if redact else request.POST) or None)
    outcome: Outcome[Thread] = Outcome(status=200)
    if request.method == "POST":
        outcome = submit_screened(
            form,
            lambda data: create_thread(
                request.user,
                community,
                title=data["title"],
                body=data["body"],
                topics=data["topics"],
                anonymous=data["anonymous"],
                acknowledged=parse_acknowledged(request.POST.getlist("acknowledge")),
            ),
        )
        if outcome.result is not None:
            _after_posting(request, outcome.result.opening_post)  # type: ignore[attr-defined]
            return redirect("forums:thread", thread_id=outcome.result.id)
    context = {"community": community, "form": form, "nudge": outcome.nudge}
    return render(request, "forums/new_thread/index.html", context, status=outcome.status)


def _thread_context(
    request: HttpRequest, thread: Thread, *, page: int, reply_form: ReplyForm | None = None
) -> dict[str, Any]:
    posts = thread_posts(request.user, thread, page=page)
    community = thread.community
    # The page needs only this of the reader's standing (the community page shows the rest).
    community.viewer_can_post = can_post_in(request.user, community)  # type: ignore[attr-defined]
    moderator = is_moderator(request.user, community)
    first_unread_url = ""
    if posts.first_unread and posts.first_unread > 1:
        first_unread_url = thread_post_url(thread.id, posts.first_unread)
    # One token for every form on the page, the cached posts' included.
    csrf_token = get_token(request)
    return {
        "thread": thread,
        "title_warnings": thread_title_warnings(request.user, thread, posts),
        "first_unread_url": first_unread_url,
        "community": community,
        "page": posts,
        "post_html": render_posts(request, posts, moderator=moderator, csrf_token=csrf_token),
        "csrf_token": csrf_token,
        "reply_form": reply_form or ReplyForm(),
        "is_moderator": moderator,
    }


def thread_view(request: AnyRequest, thread_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    thread = access_thread(request.user, thread_id)
    context = _thread_context(request, thread, page=clamp_page(request.GET.get("page")))
    help_state = request.session.pop(SAFETY_HELP_SESSION_KEY, None)
    if help_state:
        context["safety_help"] = {
            **help_state,
            "country": country_for_request(request),
            "plan": safety_plan_for(request.user),
        }
    page = context["page"]
    # Reading again what was read before writes nothing.
    if page.posts and page.posts[-1].number > page.read_upto:
        mark_read(request.user, thread, up_to=page.posts[-1].number)
    return render(request, "forums/thread/index.html", context)


@login_required
@require_POST
def reply_view(request: AuthedRequest, thread_id: int) -> HttpResponse:
    thread = access_thread(request.user, thread_id)
    redact = bool(request.POST.get("redact"))
    form = ReplyForm(redacted_post_data(request, "body") if redact else request.POST)
    outcome = submit_screened(
        form,
        lambda data: add_reply(
            request.user,
            thread,
            body=data["body"],
            topics=data["topics"],
            anonymous=data["anonymous"],
            acknowledged=parse_acknowledged(request.POST.getlist("acknowledge")),
        ),
    )
    if outcome.result is not None:
        _after_posting(request, outcome.result)
        return redirect(post_url(outcome.result))
    last_page = page_of_post(max(thread.last_post_number, 1))
    context = _thread_context(request, thread, page=last_page, reply_form=form)
    context["nudge"] = outcome.nudge
    return render(request, "forums/thread/index.html", context, status=outcome.status)


def post_redirect_view(request: HttpRequest, post_id: int) -> HttpResponse:
    if not request.user.is_authenticated:  # as the thread page does: sign in first, then the post
        return redirect_to_login(request.get_full_path())
    post = access_post(request.user, post_id)
    return redirect(post_url(post))


@login_required
def edit_post_view(request: AuthedRequest, post_id: int) -> HttpResponse:
    post = access_post(request.user, post_id)
    check_edit_post_permission(request.user, post)
    thread = post.thread
    initial = {"body": post.body, "topics": post.topics, "title": thread.title}
    redact = request.method == "POST" and bool(request.POST.get("redact"))
    data = redacted_post_data(request, "title", "body") if redact else request.POST
    form = EditPostForm(data or None, initial=initial)
    if not post.is_opening:
        del form.fields["title"]
    outcome: Outcome[Post] = Outcome(status=200)
    if request.method == "POST":
        outcome = submit_screened(
            form,
            lambda data: edit_post(
                request.user,
                post,
                body=data["body"],
                topics=data["topics"],
                title=data.get("title") if post.is_opening else None,
                acknowledged=parse_acknowledged(request.POST.getlist("acknowledge")),
            ),
        )
        if outcome.result is not None:
            if hasattr(post, "decision"):
                _after_posting(request, post)
            messages.success(request, "Your changes are saved.")
            return redirect(post_url(post))
    context = {"post": post, "thread": thread, "form": form, "nudge": outcome.nudge}
    return render(request, "forums/edit_post/index.html", context, status=outcome.status)


@login_required
def delete_post_view(request: AuthedRequest, post_id: int) -> HttpResponse:
    post = access_post(request.user, post_id)
    check_delete_post_permission(request.user, post, post.thread.community)
    if request.method == "POST":
        delete_post(request.user, post)
        if post.is_opening:
            messages.success(request, "The thread is deleted.")
            return redirect("communities:detail", slug=post.thread.community.slug)
        messages.success(request, "The post is deleted.")
        return redirect(post_url(post))
    return render(request, "forums/delete_post/index.html", {"post": post, "thread": post.thread})


@login_required
@require_POST
def react_view(request: AuthedRequest, post_id: int) -> HttpResponse:
    post = access_post(request.user, post_id)
    try:
        toggle_reaction(request.user, post, kind=request.POST.get("kind", ""))
    except ApplicationError as exc:
        if not request.htmx:
            messages.error(request, exc.message)
    if request.htmx:
        thread = post.thread
        page = thread_posts(request.user, thread, page=page_of_post(post.number))
        fresh = next((p for p in page.posts if p.id == post.id), None)
        if fresh is None:
            raise Http404
        return render(request, "forums/includes/reactions.html", {"post": fresh})
    return redirect(post_url(post))


@login_required
def post_history_view(request: AuthedRequest, post_id: int) -> HttpResponse:
    """Earlier versions of a post: for its author and moderators only, as they may hold what the author took out."""
    post = access_post(request.user, post_id)
    check_view_post_history_permission(request.user, post)
    revisions = post.revisions.select_related("editor").order_by("-created_at")
    return render(
        request, "forums/post_history/index.html", {"post": post, "thread": post.thread, "revisions": revisions}
    )


@login_required
def search_view(request: AuthedRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results = None
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"]
        results = search_posts(request.user, query, page=clamp_page(request.GET.get("page")))
    return render(
        request,
        "forums/search/index.html",
        {"form": form, "results": results, "query": query, "result_limit": SEARCH_RESULT_LIMIT},
    )
