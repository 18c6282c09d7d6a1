"""Every query the main pages send reaches the big tables through an index (PostgreSQL only).

The data comes from bench/seed.py at a small scale (about 22,000 posts) with statistics gathered. Each page is
rendered (or its selector called), every query it sends is captured and EXPLAINed with sequential scans, hash
joins and merge joins discouraged (at this scale reading a whole small table is cheaper; at full scale it is not),
and each scan of a big table must either have an index condition or be an ordered index scan read only as far as
a LIMIT needs. A full read of a big table through an index (a scan with neither) is reported like a sequential
scan: it is what a missing index looks like once sequential scans are discouraged.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hearth.accounts.models import User
from hearth.communities.models import Membership, MembershipRole
from hearth.core.testing.factories import give_mfa
from hearth.forums.models import Post, Thread
from hearth.moderation.selectors import open_queue
from hearth.notifications.models import Notification

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import seed as bench_seed

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are checked on PostgreSQL"),
    pytest.mark.django_db,
]

# Tables that grow with the community: reading one of them whole would be slow at scale.
BIG_TABLES = {
    "accounts_user",
    "accounts_personblock",
    "communities_membership",
    "communities_joinrequest",
    "communities_invitation",
    "forums_thread",
    "forums_post",
    "forums_reaction",
    "forums_readstate",
    "moderation_queueitem",
    "moderation_report",
    "notifications_notification",
    "safety_screening",
    "django_session",
}
# Sequential scans, and the hash and merge joins that read a whole table to join a few rows of another (as they
# may well do at this small scale), so that what is left is an index for each condition and each join.
DISCOURAGED = ("enable_seqscan", "enable_hashjoin", "enable_mergejoin")
# Between a LIMIT and an ordered index scan, these nodes would consume the scan whole before the limit applies.
BLOCKING = {"Sort", "Aggregate", "Hash", "Materialize", "SetOp", "Unique", "WindowAgg", "Gather Merge"}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        sizes = bench_seed.Sizes.scaled(0.01, reports_per_10k_posts=150.0, bench_accounts=3)
        result = bench_seed.seed(sizes, seed_value=3)
        reader = User.objects.get(username=result.bench_accounts[0])
        # Notifications: a few hundred members with a screenful each, the reader among them.
        users = list(User.objects.order_by("id").values_list("id", flat=True)[:300])
        Notification.objects.bulk_create(
            Notification(user_id=uid, kind="post_approved", title="Your reply is now visible", url="/")
            for uid in users
            for _ in range(25)
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE notifications_notification")
        assert reader.id in users
    yield result
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def plan_nodes(
    node: dict[str, Any], ancestors: tuple[str, ...] = ()
) -> Iterator[tuple[dict[str, Any], tuple[str, ...]]]:
    yield node, ancestors
    for child in node.get("Plans", []):
        yield from plan_nodes(child, (*ancestors, node["Node Type"]))


def read_as_far_as_a_limit(ancestors: tuple[str, ...]) -> bool:
    for node_type in reversed(ancestors):
        if node_type == "Limit":
            return True
        if node_type in BLOCKING:
            return False
    return False


def full_reads(sql: str) -> list[str]:
    """The big tables this query would read whole, as PostgreSQL plans it with sequential scans discouraged."""
    with connection.cursor() as cursor:
        for setting in DISCOURAGED:
            cursor.execute(f"SET {setting} = off")
        try:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            raw = cursor.fetchone()[0]
            (plan,) = json.loads(raw) if isinstance(raw, str) else raw
        finally:
            for setting in DISCOURAGED:
                cursor.execute(f"RESET {setting}")
    problems = []
    for node, ancestors in plan_nodes(plan["Plan"]):
        table = node.get("Relation Name")
        if table not in BIG_TABLES:
            continue
        kind = node["Node Type"]
        if kind == "Seq Scan":
            problems.append(f"{table}: sequential scan")
        elif (
            kind in {"Index Scan", "Index Only Scan"}
            and "Index Cond" not in node
            and not read_as_far_as_a_limit(ancestors)
        ):
            problems.append(f"{table}: whole index {node.get('Index Name')} read")
    return problems


def queries_of(action: Callable[[], object]) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        action()
    statements = [q["sql"] for q in captured.captured_queries]
    return [s for s in statements if s.split(None, 1)[0].upper() in {"SELECT", "UPDATE", "DELETE", "WITH"}]


def assert_indexed(action: Callable[[], object]) -> None:
    statements = queries_of(action)
    assert statements
    problems = {sql: found for sql in statements if (found := full_reads(sql))}
    assert not problems, "\n\n".join(f"{found}\n{sql}" for sql, found in problems.items())


@pytest.fixture
def reader_client(seeded):
    client = Client()
    client.force_login(User.objects.get(username=seeded.bench_accounts[0]))
    return client


def get_ok(client: Client, path: str) -> Callable[[], None]:
    def get() -> None:
        response = client.get(path)
        assert response.status_code == 200, path

    return get


def test_the_community_page_reads_its_threads_through_indexes(seeded, reader_client):
    path = f"/communities/{seeded.long_thread['community_slug']}/"
    assert_indexed(get_ok(reader_client, path))
    assert_indexed(get_ok(reader_client, path + "?page=7"))


def test_the_thread_page_reads_its_posts_through_indexes(seeded, reader_client):
    path = seeded.long_thread["path"]
    assert_indexed(get_ok(reader_client, path))
    assert_indexed(get_ok(reader_client, path + "?page=20"))


def test_the_directory_reads_through_indexes(seeded, reader_client):
    assert_indexed(get_ok(reader_client, "/communities/"))


@pytest.mark.parametrize("query", ["sleep", "pottery class", "breakfast tired", "kayak"])
def test_search_reads_through_indexes_for_common_and_rare_words(seeded, reader_client, query):
    path = f"/search/?q={query.replace(' ', '+')}"
    assert_indexed(get_ok(reader_client, path))
    assert_indexed(get_ok(reader_client, path + "&page=3"))
    assert_indexed(get_ok(reader_client, path + "&page=50"))  # the last page within the limit, past the matches


def test_a_search_for_a_word_found_nowhere_is_answered_by_the_index(seeded, reader_client):
    """Left to itself, the planner guesses a word it has no statistics for is common and reads every post newest
    first looking for it; the capped count first sends it through the GIN index instead."""
    (probe,) = [sql for sql in queries_of(get_ok(reader_client, "/search/?q=zyzzogeton")) if '"forums_post"' in sql]
    assert "COUNT(" in probe.upper()  # it found nothing, so no page is read
    # A rare word's page is taken from the index and sorted, not found by reading every post newest first.
    thread_id = int(seeded.long_thread["path"].strip("/").split("/")[-1])
    Post.objects.filter(thread_id=thread_id, number=2).update(body="A zyzzogeton in the garden today.")
    (_, page) = [sql for sql in queries_of(get_ok(reader_client, "/search/?q=zyzzogeton")) if '"forums_post"' in sql]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {page}")
        plan = json.dumps(cursor.fetchone()[0])
    assert "post_recent_idx" not in plan and "Bitmap Index Scan" in plan, plan


def test_a_profile_and_a_sign_in_find_the_member_through_the_pseudonym_index(seeded, reader_client):
    """Pseudonyms are matched whatever their case: through lower(username), the unique index's expression."""
    other = User.objects.filter(is_active=True).exclude(username=seeded.bench_accounts[0]).order_by("id").last()
    assert_indexed(get_ok(reader_client, f"/members/{other.username.swapcase()}/"))
    assert_indexed(lambda: User.objects.get_by_natural_key(other.username.upper()))


def test_the_notifications_page_reads_through_indexes(seeded, reader_client):
    assert_indexed(get_ok(reader_client, "/notifications/"))


def test_the_moderation_queue_reads_through_indexes(seeded):
    community_moderator = give_mfa(
        Membership.objects.filter(role=MembershipRole.MODERATOR).select_related("user").first().user
    )
    global_moderator = give_mfa(User.objects.exclude(id=community_moderator.id).order_by("-id").first())
    User.objects.filter(id=global_moderator.id).update(is_global_moderator=True)
    global_moderator.refresh_from_db()

    for moderator_id in (community_moderator.id, global_moderator.id):
        moderator = User.objects.get(id=moderator_id)  # a fresh reader, as a request has
        items: list[object] = []

        def queue(moderator: User = moderator, items: list[object] = items) -> None:
            items.extend(open_queue(moderator))

        assert_indexed(queue)
        assert items


def test_the_checker_reports_a_missing_index(seeded):
    # Nothing indexes a thread's title: searching titles by equality must be reported.
    def by_title() -> None:
        list(Thread.objects.filter(title="no such title"))

    (statement,) = queries_of(by_title)
    (problem,) = full_reads(statement)
    assert problem.startswith("forums_thread: ")
