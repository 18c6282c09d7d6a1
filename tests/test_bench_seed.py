"""bench/seed.py at a tiny scale: the rows it loads in bulk are the rows Hearth's services would have written.

Runs against the test database (SQLite's batched inserts, or PostgreSQL's COPY with DATABASE_URL).
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F, Max, Q
from django.test import Client

from hearth.accounts.models import User
from hearth.communities.models import Community, Membership, MembershipMode
from hearth.core.encryption import email_index
from hearth.forums.models import ContentStatus, Post, Reaction, ReadState, Thread
from hearth.forums.selectors import search_posts
from hearth.lib.markdown import render_markdown
from hearth.moderation.models import AuditLogEntry, QueueItem, QueueStatus, Report
from hearth.safety.models import Screening

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import seed as bench_seed

pytestmark = pytest.mark.django_db

SIZES = bench_seed.Sizes.scaled(
    0.0, members=80, communities=4, threads=60, replies=1_400, bench_accounts=3, reports_per_10k_posts=40.0
)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seeded once for the module, outside any test transaction (the seed commits, and VACUUMs on PostgreSQL),
    then the database is emptied again as after a transactional test."""
    with django_db_blocker.unblock():
        result = bench_seed.seed(SIZES, seed_value=7)
    yield result
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def test_seed_loads_the_requested_sizes_with_a_long_thread_in_a_known_place(seeded):
    assert User.objects.count() == SIZES.members + SIZES.bench_accounts
    assert Community.objects.count() == SIZES.communities
    assert Thread.objects.count() == SIZES.threads
    assert Post.objects.count() == SIZES.threads + SIZES.replies == seeded.counts["posts"]
    long = Thread.objects.get(id=seeded.long_thread["thread_id"])
    assert long.last_post_number - 1 >= 500
    assert long.community.slug == seeded.long_thread["community_slug"]
    assert seeded.long_thread["path"] == f"/threads/{long.id}/"
    assert Reaction.objects.exists() and Report.objects.exists() and Membership.objects.exists()


def test_seed_posts_are_numbered_without_gaps_and_thread_counters_are_exact(seeded):
    for thread in Thread.objects.annotate(
        n_posts=Count("posts"),
        top=Max("posts__number"),
        visible_replies=Count("posts", filter=Q(posts__number__gt=1, posts__deleted_at__isnull=True)),
        last_visible=Max("posts__created_at", filter=Q(posts__status=ContentStatus.PUBLISHED)),
    ):
        assert thread.n_posts == thread.top == thread.last_post_number
        assert thread.reply_count == thread.visible_replies
        assert thread.last_post_at == thread.last_visible
        assert thread.status == ContentStatus.PUBLISHED


def test_seed_community_counters_are_exact(seeded):
    for community in Community.objects.all():
        threads = Thread.objects.filter(community=community, deleted_at__isnull=True, status=ContentStatus.PUBLISHED)
        posts = Post.objects.filter(thread__in=threads, deleted_at__isnull=True, status=ContentStatus.PUBLISHED)
        assert community.thread_count == threads.count()
        assert community.post_count == posts.count()
        assert community.member_count == Membership.objects.filter(community=community).count()
        assert (
            community.last_activity_at
            == Post.objects.filter(thread__community=community).aggregate(m=Max("created_at"))["m"]
        )
        assert community.memberships.filter(role="moderator").exists()


def test_seed_authors_are_members_who_joined_first_and_read_what_they_wrote(seeded):
    joined = {(m.user_id, m.community_id): m.joined_at for m in Membership.objects.all()}
    read = {(r.user_id, r.thread_id): r.last_read_number for r in ReadState.objects.all()}
    wrote: dict[tuple[int, int], int] = defaultdict(int)
    for post in Post.objects.select_related("thread", "author"):
        assert post.author.date_joined <= joined[(post.author_id, post.thread.community_id)] <= post.created_at
        wrote[(post.author_id, post.thread_id)] = max(wrote[(post.author_id, post.thread_id)], post.number)
    assert read == wrote


def test_seed_content_looks_published_by_the_safety_pipeline(seeded):
    posts = list(Post.objects.all())
    assert all(p.status == ContentStatus.PUBLISHED and p.risk_level == 0 and p.labels == [] for p in posts)
    assert all(p.body_html == render_markdown(p.body) for p in posts)
    screened = dict(Screening.objects.filter(object_id__isnull=False).values_list("object_id", "action"))
    assert screened == {p.id: "publish" for p in posts}
    assert len({p.body for p in posts}) > 0.85 * len(posts)  # varied (short replies repeat, as they do)


def test_seed_reactions_and_reports_follow_the_rules(seeded):
    assert not Reaction.objects.filter(user_id=F("post__author_id")).exists()
    for report in Report.objects.select_related("queue_item", "post"):
        assert report.reporter_id != report.post.author_id
        item = report.queue_item
        assert item.object_id == report.post_id and item.kinds == ["report"]
        if item.status == QueueStatus.RESOLVED:
            assert AuditLogEntry.objects.filter(queue_item=item, actor=item.resolved_by, action="approve").exists()
            assert Membership.objects.filter(user=item.resolved_by, community=item.community, role="moderator")
    assert QueueItem.objects.count() == Report.objects.count()


def test_seed_emails_are_encrypted_and_found_by_their_blind_index(seeded):
    with_email = list(User.objects.exclude(email_index=None))
    assert with_email
    for user in with_email[:20]:
        assert user.email == f"{user.username.lower()}@example.org"
        assert user.email_index == email_index(user.email)
        assert User.objects.get(email=user.email.upper()) == user
    with connection.cursor() as cursor:
        cursor.execute("SELECT email FROM accounts_user WHERE id = %s", [with_email[0].id])
        assert cursor.fetchone()[0].startswith("enc1:")


def test_seed_load_test_accounts_sign_in_and_read_the_long_thread(seeded):
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": seeded.bench_accounts[0], "password": bench_seed.BENCH_PASSWORD}
    )
    assert response.status_code == 302
    long = seeded.long_thread
    first = client.get(long["path"])
    assert first.status_code == 200
    opening = Post.objects.get(thread_id=long["thread_id"], number=1)
    assert opening.body_html in first.content.decode()
    last_page = (long["last_post_number"] - 1) // 20 + 1
    assert client.get(f"{long['path']}?page={last_page}").status_code == 200
    assert client.get(f"/communities/{long['community_slug']}/").status_code == 200
    assert client.get("/communities/").status_code == 200


def test_seed_members_other_than_load_test_accounts_cannot_sign_in(seeded):
    other = User.objects.exclude(username__in=seeded.bench_accounts).first()
    assert not other.has_usable_password()


def test_seed_posts_are_found_by_search(seeded):
    reader = User.objects.get(username=seeded.bench_accounts[0])
    readable = set(
        Community.objects.filter(Q(membership_mode=MembershipMode.OPEN) | Q(memberships__user=reader)).values_list(
            "id", flat=True
        )
    )
    word = "breakfast"
    expected = {
        p.id
        for p in Post.objects.select_related("thread").filter(thread__community__in=readable, deleted_at=None)
        if re.search(rf"\b{word}\b", p.body.lower()) or (p.number == 1 and word in p.thread.title.lower())
    }
    assert expected
    found: set[int] = set()
    number = 1
    while True:
        page = search_posts(User.objects.get(id=reader.id), word, page=number)
        found |= {p.id for p in page.posts}
        if not page.has_next:
            break
        number += 1
    assert found == expected


def test_seed_refuses_a_database_that_has_data(seeded):
    with pytest.raises(SystemExit, match="empty"):
        bench_seed.seed(SIZES, seed_value=7)
