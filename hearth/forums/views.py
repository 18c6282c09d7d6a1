from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hearth.communities.selectors import annotate_for_viewer
from hearth.core.errors import ApplicationError
from hearth.core.typealias import AnyRequest, AuthedRequest
from hearth.forums.forms import EditPostForm, ReplyForm, SearchForm, ThreadForm
from hearth.forums.models import Post, Thread
from hearth.forums.selectors import (
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
    check_delete_post_permission,
    check_edit_post_permission,
    check_post_permission,
    check_view_post_history_permission,
    is_moderator,
)


def thread_post_url(thread_id: int, number: int) -> str:
    url = reverse("forums:thread", kwargs={"thread_id": thread_id})
    page = page_of_post(number)
    return f"{url}{'?page=' + str(page) if page > 1 else ''}#post-{number}"


def post_url(post: Post) -> str:
    return thread_post_url(post.thread_id, post.number)


@login_required
def new_thread_view(request: AuthedRequest, slug: str) -> HttpResponse:
    community = access_community(request.user, slug)
    check_post_permission(request.user, community)
    form = ThreadForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                thread = create_thread(
                    request.user,
                    community,
                    title=data["title"],
                    body=data["body"],
                    topics=data["topics"],
                    anonymous=data["anonymous"],
                )
            except ApplicationError as exc:
                # The form keeps everything the person wrote.
                form.add_error(None, exc.message)
                status = exc.status
            else:
                return redirect("forums:thread", thread_id=thread.id)
    return render(request, "forums/new_thread/index.html", {"community": community, "form": form}, status=status)


def _thread_context(
    request: HttpRequest, thread: Thread, *, page: int, reply_form: ReplyForm | None = None
) -> dict[str, Any]:
    posts = thread_posts(request.user, thread, page=page)
    community = annotate_for_viewer(request.user, [thread.community])[0]
    first_unread_url = ""
    if posts.first_unread and posts.first_unread > 1:
        first_unread_url = thread_post_url(thread.id, posts.first_unread)
    return {
        "thread": thread,
        "title_warnings": thread_title_warnings(request.user, thread, posts),
        "first_unread_url": first_unread_url,
        "community": community,
        "page": posts,
        "reply_form": reply_form or ReplyForm(),
        "is_moderator": is_moderator(request.user, community),
    }


def thread_view(request: AnyRequest, thread_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    thread = access_thread(request.user, thread_id)
    context = _thread_context(request, thread, page=clamp_page(request.GET.get("page")))
    posts = context["page"].posts
    if posts:
        mark_read(request.user, thread, up_to=posts[-1].number)
    return render(request, "forums/thread/index.html", context)


@login_required
@require_POST
def reply_view(request: AuthedRequest, thread_id: int) -> HttpResponse:
    thread = access_thread(request.user, thread_id)
    form = ReplyForm(request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            post = add_reply(
                request.user, thread, body=data["body"], topics=data["topics"], anonymous=data["anonymous"]
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            status = exc.status
        else:
            return redirect(post_url(post))
    last_page = page_of_post(max(thread.last_post_number, 1))
    context = _thread_context(request, thread, page=last_page, reply_form=form)
    return render(request, "forums/thread/index.html", context, status=status)


def post_redirect_view(request: HttpRequest, post_id: int) -> HttpResponse:
    post = access_post(request.user, post_id)
    return redirect(post_url(post))


@login_required
def edit_post_view(request: AuthedRequest, post_id: int) -> HttpResponse:
    post = access_post(request.user, post_id)
    check_edit_post_permission(request.user, post)
    thread = post.thread
    initial = {"body": post.body, "topics": post.topics, "title": thread.title}
    form = EditPostForm(request.POST or None, initial=initial)
    if not post.is_opening:
        del form.fields["title"]
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                edit_post(
                    request.user,
                    post,
                    body=data["body"],
                    topics=data["topics"],
                    title=data.get("title") if post.is_opening else None,
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, "Your changes are saved.")
                return redirect(post_url(post))
    return render(request, "forums/edit_post/index.html", {"post": post, "thread": thread, "form": form}, status=status)


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
    return render(request, "forums/search/index.html", {"form": form, "results": results, "query": query})
