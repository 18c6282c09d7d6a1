#!/usr/bin/env python
"""A realistic large Hearth community for benchmarks, loaded in bulk (PostgreSQL COPY; batched inserts on SQLite).

Default size: 100,000 members, 300 communities, 200,000 threads, 2,000,000 replies, with reactions, read states,
screenings, reports, moderation queue items and a few mutes and blocks. Community sizes and thread lengths are
long-tailed; one thread has at least 500 replies (its place is printed and written to the info file). Every row
is what Hearth's services would have written for the same history: gapless post numbers, exact counters,
screenings that published the text, encrypted emails with their blind index. See bench/README.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hearth_large .venv/bin/python bench/seed.py
    .venv/bin/python bench/seed.py --scale 0.01          # 1% of each count
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for path in (str(ROOT), str(BENCH)):
    if path not in sys.path:
        sys.path.insert(0, path)

import seedtext  # noqa: E402  # bench/ is this script's directory


def configure_environment() -> None:
    """Settings need keys for encryption at rest when DEBUG is off. Without any given, the seed uses Hearth's
    published development keys (as DEBUG=true does): serve the database with DEBUG=true, or pass those keys."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    has_keys = any(os.environ.get(n) for n in ("HEARTH_ENCRYPTION_KEYS", "HEARTH_ENCRYPTION_KEYS_FILE"))
    if not has_keys and "DEBUG" not in os.environ:
        os.environ["DEBUG"] = "true"
    if not os.environ.get("SECRET_KEY") and not os.environ.get("SECRET_KEY_FILE"):
        # Nothing the seed writes is signed; settings only insist on a key when DEBUG is off.
        os.environ["SECRET_KEY"] = os.urandom(32).hex()


# Imported by a test, Django is already configured (and its environment is left alone).
if "DJANGO_SETTINGS_MODULE" not in os.environ:
    configure_environment()

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import JSONField  # noqa: E402

from hearth.accounts.models import PersonBlock, SensitiveTopic, User  # noqa: E402
from hearth.communities.models import Community, Membership, MembershipMode, MembershipRole  # noqa: E402
from hearth.core.encryption import email_index, keyring  # noqa: E402
from hearth.core.management.commands.seed_demo import compose_guidelines  # noqa: E402
from hearth.forums.models import ContentStatus, Post, Reaction, ReactionKind, ReadState, Thread  # noqa: E402
from hearth.lib.markdown import render_markdown  # noqa: E402
from hearth.moderation.models import (  # noqa: E402
    ActionKind,
    AuditLogEntry,
    QueueItem,
    QueueStatus,
    Report,
    ReportReason,
)
from hearth.moderation.reports import DEFAULT_RESPONSE_MINUTES, REPORT_RESPONSE_MINUTES  # noqa: E402
from hearth.safety.analyzers.base import AnalysisContext  # noqa: E402
from hearth.safety.models import ContentKind, Screening  # noqa: E402
from hearth.safety.policy import Action  # noqa: E402
from hearth.safety.services import screen_text, summarise  # noqa: E402

# The load-test accounts' password (documented in bench/README.md). Seed a benchmark database only: every
# account listed there can sign in with it.
BENCH_PASSWORD = "hearth-bench-password"  # noqa: S105
BENCH_USERNAME = "BenchMember{}"
LONG_THREAD_MIN_REPLIES = 520
SQLITE_MAX_POSTS = 250_000  # beyond this SQLite takes many minutes; use PostgreSQL

DAY = 86_400.0
HISTORY_DAYS = 730


@dataclass(frozen=True)
class Sizes:
    members: int
    communities: int
    threads: int
    replies: int
    bench_accounts: int
    reactions_per_post: float
    reports_per_10k_posts: float
    blocks_per_1k_members: float

    @classmethod
    def scaled(cls, scale: float, **overrides: Any) -> Sizes:
        base = cls(
            members=max(int(100_000 * scale), 20),
            communities=max(int(300 * scale), 3),
            threads=max(int(200_000 * scale), 10),
            replies=max(int(2_000_000 * scale), 10),
            bench_accounts=20,
            reactions_per_post=0.9,
            reports_per_10k_posts=7.0,
            blocks_per_1k_members=5.0,
        )
        return cls(**{**asdict(base), **{k: v for k, v in overrides.items() if v is not None}})


class Clock:
    """Prints how long each phase took, and keeps the figures for the info file."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.phases: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        print(f"{name}…", flush=True)
        yield
        self.phases[name] = round(time.perf_counter() - start, 2)
        print(f"  {name}: {self.phases[name]:.1f} s", flush=True)

    @property
    def total(self) -> float:
        return round(time.perf_counter() - self.started, 2)


# --- Writing rows ------------------------------------------------------------------------------------------------


class TableWriter:
    """Rows for one model: the given fields in order, every other column from its field default."""

    def __init__(self, loader: Loader, model: Any, fields: Sequence[str]) -> None:
        self.loader, self.model = loader, model
        given = [model._meta.get_field(name) for name in fields]
        rest = [
            f
            for f in model._meta.concrete_fields
            if f not in given and not getattr(f, "generated", False) and not f.primary_key
        ]
        for field in rest:
            if not field.has_default() and not field.null:
                raise SystemExit(f"bench/seed.py does not fill {model.__name__}.{field.name}: add it to the seed.")
        self.defaults = tuple(
            json.dumps(f.get_default()) if isinstance(f, JSONField) else self._default(f) for f in rest
        )
        self.columns = [f.column for f in given] + [f.column for f in rest]
        self.rows = 0

    def _default(self, field: Any) -> Any:
        value = field.get_default()
        return None if value is None else field.get_db_prep_save(value, self.loader.connection)

    def write(self, row: tuple[Any, ...]) -> None:
        raise NotImplementedError


class CopyWriter(TableWriter):
    def __init__(self, loader: Loader, model: Any, fields: Sequence[str], copy: Any) -> None:
        super().__init__(loader, model, fields)
        self.copy = copy

    def write(self, row: tuple[Any, ...]) -> None:
        self.copy.write_row(row + self.defaults)
        self.rows += 1


class InsertWriter(TableWriter):
    BATCH = 5_000

    def __init__(self, loader: Loader, model: Any, fields: Sequence[str]) -> None:
        super().__init__(loader, model, fields)
        self.batch: list[tuple[Any, ...]] = []
        qn = loader.connection.ops.quote_name
        cols = ", ".join(qn(c) for c in self.columns)
        marks = ", ".join(["%s"] * len(self.columns))
        self.sql = f"INSERT INTO {qn(model._meta.db_table)} ({cols}) VALUES ({marks})"  # noqa: S608  # nosec B608
        self.adapt = loader.connection.ops.adapt_datetimefield_value

    def write(self, row: tuple[Any, ...]) -> None:
        self.batch.append(tuple(self.adapt(v) if isinstance(v, datetime) else v for v in row) + self.defaults)
        self.rows += 1
        if len(self.batch) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            with self.loader.connection.cursor() as cursor:
                cursor.executemany(self.sql, self.batch)
            self.batch = []


class Loader:
    """COPY on PostgreSQL, batched INSERTs on SQLite, through Django's own connection (one transaction)."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.saved: list[tuple[str, str]] = []  # (table, SQL that re-creates a dropped index or constraint)

    @contextmanager
    def table(self, model: Any, fields: Sequence[str]) -> Iterator[TableWriter]:
        if not self.postgres:
            writer = InsertWriter(self, model, fields)
            yield writer
            writer.flush()
            return
        probe = TableWriter(self, model, fields)
        qn = self.connection.ops.quote_name
        sql = f"COPY {qn(model._meta.db_table)} ({', '.join(qn(c) for c in probe.columns)}) FROM STDIN"
        with self.connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            yield CopyWriter(self, model, fields, copy)

    def drop_secondary_indexes(self, models: Sequence[Any]) -> None:
        """Drop foreign keys, unique constraints and indexes (not primary keys) of the tables about to be filled:
        building them once afterwards is several times faster than keeping them up to date row by row. They are
        re-created exactly as they were, which also checks every foreign key and unique rule over the new rows."""
        if not self.postgres:
            return
        with self.connection.cursor() as cursor:
            for model in models:
                table = model._meta.db_table
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype IN ('f', 'u')",
                    [table],
                )
                constraints = cursor.fetchall()
                cursor.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                    "AND tablename = %s AND indexname NOT IN "
                    "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                    [table, table],
                )
                indexes = cursor.fetchall()
                qn = self.connection.ops.quote_name
                for name, definition in constraints:
                    cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
                    self.saved.append((table, f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}"))
                for name, definition in indexes:
                    cursor.execute(f"DROP INDEX {qn(name)}")
                    self.saved.append((table, definition))

    def restore_indexes(self) -> None:
        # Indexes and unique constraints first, then foreign keys (their checks use the primary keys only).
        ordered = sorted(self.saved, key=lambda item: "FOREIGN KEY" in item[1])
        with self.connection.cursor() as cursor:
            for _table, sql in ordered:
                cursor.execute(sql)
        self.saved = []


# --- Generating the community ------------------------------------------------------------------------------------


def zipf_weights(n: int, exponent: float) -> np.ndarray:
    weights: np.ndarray = 1.0 / np.arange(2, n + 2, dtype=float) ** exponent
    return weights / float(weights.sum())


def community_mode(c: int) -> str:
    """Most communities are open; every seventh asks to join, a few are by invitation."""
    if c % 7 == 3:
        return MembershipMode.REQUEST
    if c % 23 == 11:
        return MembershipMode.INVITE
    return MembershipMode.OPEN


def to_dt(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def group_starts(counts: np.ndarray) -> np.ndarray:
    return np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)


class TextBank:
    """Sentences made once from the templates, then combined: varied text at a few microseconds a post."""

    def __init__(self, rng: random.Random, size: int = 60_000) -> None:
        self.rng = rng
        self.sentences = [seedtext.sentence(rng) for _ in range(size)]
        self.titles = [seedtext.title(rng) for _ in range(5_000)]
        self.rare = [seedtext.rare_word(rng) for _ in range(2_000)]

    def body(self, sentences: int) -> tuple[str, str]:
        """(Markdown, HTML): paragraphs of plain sentences, whose HTML is each paragraph in <p>."""
        rng = self.rng
        picked = rng.choices(self.sentences, k=sentences)
        if rng.random() < 0.004:
            picked.append(f"I've started calling it my {rng.choice(self.rare)} time, and it makes me smile.")
        if len(picked) <= 3:
            paragraphs = [" ".join(picked)]
        else:
            cut = rng.randint(1, len(picked) - 1)
            paragraphs = [" ".join(picked[:cut]), " ".join(picked[cut:])]
        return "\n\n".join(paragraphs), "".join(f"<p>{p}</p>\n" for p in paragraphs)

    def title(self) -> str:
        return self.rng.choice(self.titles)


@dataclass
class Plan:
    """The whole community as arrays: who, where and when, before any text is written."""

    now: float
    sizes: Sizes
    # users
    user_joined: np.ndarray
    activity: np.ndarray
    # communities
    comm_weight: np.ndarray
    # memberships (sorted by community)
    memb_user: np.ndarray
    memb_comm: np.ndarray
    memb_start: np.ndarray
    memb_count: np.ndarray
    memb_role_mod: np.ndarray
    # threads (index = id - 1, oldest first)
    thread_comm: np.ndarray
    thread_created: np.ndarray
    thread_replies: np.ndarray
    thread_anon: np.ndarray
    long_thread: int
    # posts (index = id - 1, oldest first)
    post_thread: np.ndarray
    post_number: np.ndarray
    post_author: np.ndarray
    post_created: np.ndarray
    post_anon: np.ndarray
    post_deleted: np.ndarray


def make_plan(sizes: Sizes, seed: int, now: float) -> Plan:  # noqa: PLR0915  # one array after another
    rng = np.random.default_rng(seed)
    n_users, n_comms, n_threads = sizes.members + sizes.bench_accounts, sizes.communities, sizes.threads
    start = now - HISTORY_DAYS * DAY

    # Members: a few very active, most occasional.
    activity = rng.pareto(1.3, n_users) + 0.05
    activity[: sizes.bench_accounts] = np.maximum(activity[: sizes.bench_accounts], 1.0)
    comm_weight = zipf_weights(n_comms, 1.1)

    # Memberships: most people join one to three communities, the big ones more often.
    joins = np.minimum(rng.geometric(0.45, n_users), min(12, n_comms))
    pairs_user, pairs_comm = [], []
    for user in range(n_users):
        chosen = rng.choice(n_comms, size=int(joins[user]), replace=False, p=comm_weight)
        pairs_user.append(np.full(len(chosen), user))
        pairs_comm.append(chosen)
    memb_user, memb_comm = np.concatenate(pairs_user), np.concatenate(pairs_comm)
    # The load-test accounts belong to the ten biggest communities (the long thread is in the biggest).
    bench = np.arange(sizes.bench_accounts)
    extra_user = np.repeat(bench, min(10, n_comms))
    extra_comm = np.tile(np.arange(min(10, n_comms)), sizes.bench_accounts)
    # Every community has at least three members, so it has moderators and people to reply.
    for c in range(n_comms):
        extra_user = np.append(extra_user, rng.choice(n_users, size=3, replace=False))
        extra_comm = np.append(extra_comm, [c, c, c])
    memb_user, memb_comm = np.concatenate([memb_user, extra_user]), np.concatenate([memb_comm, extra_comm])
    keys = np.unique(memb_comm.astype(np.int64) * n_users + memb_user)
    memb_comm, memb_user = keys // n_users, keys % n_users  # sorted by community, then user
    memb_count = np.bincount(memb_comm, minlength=n_comms)
    memb_start = group_starts(memb_count)
    # Moderators: the two (or, in the 20 biggest, four) most active members who are not load-test accounts.
    memb_role_mod = np.zeros(len(memb_user), dtype=bool)
    for c in range(n_comms):
        lo, hi = memb_start[c], memb_start[c] + memb_count[c]
        users = memb_user[lo:hi]
        order = np.argsort(-np.where(users < sizes.bench_accounts, -1.0, activity[users]))
        memb_role_mod[lo + order[: 4 if c < 20 else 2]] = True

    # Threads: spread over two years, in communities by their size; lengths long-tailed.
    thread_created = np.sort(rng.uniform(start + DAY, now - 3600, n_threads))
    thread_comm = rng.choice(n_comms, size=n_threads, p=comm_weight)
    weights = rng.lognormal(0.0, 1.4, n_threads)
    replies = np.floor(weights / weights.sum() * sizes.replies).astype(np.int64)
    short = sizes.replies - int(replies.sum())
    np.add.at(replies, rng.choice(n_threads, size=short), 1)
    # The long thread: the longest one, moved to the biggest community and made at least 520 replies long.
    long_thread = int(np.argmax(replies))
    thread_comm[long_thread] = 0
    target = min(max(LONG_THREAD_MIN_REPLIES, int(replies[long_thread])), sizes.replies // 2)
    deficit = target - int(replies[long_thread])
    if deficit > 0:
        others = replies.copy()
        others[long_thread] = 0
        taken = np.bincount(rng.choice(n_threads, size=deficit, p=others / others.sum()), minlength=n_threads)
        replies = np.maximum(replies - taken, 0)
        replies[long_thread] = target
    thread_anon = rng.random(n_threads) < 0.04

    # Posts: the opening post, then replies over a span that grows with the thread's length.
    n_posts = int(n_threads + replies.sum())
    post_thread = np.repeat(np.arange(n_threads), 1 + replies)
    starts = group_starts(1 + replies)
    offset = rng.random(n_posts)
    offset[starts] = 0.0
    order = np.lexsort((offset, post_thread))
    offset = offset[order]
    post_number = np.arange(n_posts) - starts[post_thread] + 1
    span = np.minimum(now - thread_created - 60, DAY * rng.lognormal(np.log1p(replies / 8.0), 0.8))
    post_created = thread_created[post_thread] + offset * span[post_thread]

    # Authors: members of the thread's community, by how active they are; a fifth of replies by the opener.
    post_comm = thread_comm[post_thread]
    post_author = np.empty(n_posts, dtype=np.int64)
    for c in range(n_comms):
        where = np.nonzero(post_comm == c)[0]
        lo, hi = memb_start[c], memb_start[c] + memb_count[c]
        users = memb_user[lo:hi]
        cum = np.cumsum(activity[users])
        pick = np.searchsorted(cum, rng.random(len(where)) * cum[-1])
        post_author[where] = users[np.minimum(pick, len(users) - 1)]
    opener = post_author[starts]
    by_opener = (post_number > 1) & (rng.random(n_posts) < 0.2)
    post_author[by_opener] = opener[post_thread[by_opener]]

    post_anon = np.where(post_number == 1, thread_anon[post_thread], rng.random(n_posts) < 0.02)
    post_deleted = (post_number > 1) & (rng.random(n_posts) < 0.003)

    # Ids in time order, as a live site would have given them: a thread's posts are spread over the table.
    by_time = np.argsort(post_created, kind="stable")
    post_thread, post_number = post_thread[by_time], post_number[by_time]
    post_author, post_created = post_author[by_time], post_created[by_time]
    post_anon, post_deleted = post_anon[by_time], post_deleted[by_time]

    # A member joined before their first post anywhere, and (below) each community before posting there.
    first_post = np.full(n_users, now)
    np.minimum.at(first_post, post_author, post_created)
    user_joined = np.minimum(rng.uniform(start - 365 * DAY, now - DAY, n_users), first_post - 3600)

    return Plan(
        now=now,
        sizes=sizes,
        user_joined=user_joined,
        activity=activity,
        comm_weight=comm_weight,
        memb_user=memb_user,
        memb_comm=memb_comm,
        memb_start=memb_start,
        memb_count=memb_count,
        memb_role_mod=memb_role_mod,
        thread_comm=thread_comm,
        thread_created=thread_created,
        thread_replies=replies,
        thread_anon=thread_anon,
        long_thread=long_thread,
        post_thread=post_thread,
        post_number=post_number,
        post_author=post_author,
        post_created=post_created,
        post_anon=post_anon,
        post_deleted=post_deleted,
    )


# --- The seed ----------------------------------------------------------------------------------------------------


@dataclass
class Result:
    counts: dict[str, int]
    phases: dict[str, float]
    total_seconds: float
    long_thread: dict[str, Any]
    sample_threads: dict[str, Any]
    sample_communities: dict[str, list[str]]
    bench_accounts: list[str]
    password: str
    database: dict[str, str]
    encryption_key_id: str


def clean_screenings(sample: list[str]) -> list[str]:
    """Findings (as stored JSON) of the safety pipeline over sample posts, which must all be published at no
    risk, as the seeded posts claim to have been."""

    findings = []
    for text in sample:
        screened = screen_text(text, context=AnalysisContext(is_reply=True))
        decision = screened.decision
        if decision.action != Action.PUBLISH or int(decision.risk_level) != 0:
            raise SystemExit(f"Seed text would not be published as it is ({decision.action.label}): fix seedtext.py.")
        findings.append(json.dumps(summarise(screened.assessment)))
    return findings


def check_html(bank: TextBank) -> None:

    for sentences in (1, 2, 5, 9):
        body, html = bank.body(sentences)
        if render_markdown(body) != html:
            raise SystemExit("Seed text renders differently from hearth.lib.markdown: fix seedtext.py.")


def refuse_unless_empty(models: Sequence[Any]) -> None:

    if User.objects.exists() or any(m.objects.exists() for m in models):
        raise SystemExit("bench/seed.py fills an empty, migrated database only: this one already has data.")


def seed(sizes: Sizes, *, seed_value: int = 1) -> Result:  # noqa: PLR0912, PLR0915  # one phase after another
    """Fill the default database. Runs in one transaction: on any error nothing is left behind."""

    loaded = [User, Community, Membership, Thread, Post, Reaction, ReadState, Screening, Report, QueueItem,
              AuditLogEntry, PersonBlock]  # fmt: skip
    if connection.vendor == "sqlite" and sizes.threads + sizes.replies > SQLITE_MAX_POSTS:
        raise SystemExit(
            f"On SQLite the seed makes at most {SQLITE_MAX_POSTS:,} posts (use --scale 0.1 or less); "
            "use PostgreSQL (DATABASE_URL) for the full size."
        )
    refuse_unless_empty(loaded)
    clock = Clock()
    rng = random.Random(seed_value)
    now = time.time()
    counts: dict[str, int] = {}

    with clock.phase("plan"):
        plan = make_plan(sizes, seed_value, now)
        bank = TextBank(rng)
        check_html(bank)
        findings = clean_screenings([bank.body(rng.randint(1, 6))[0] for _ in range(40)])
        n_users, n_comms = len(plan.activity), sizes.communities
        n_posts = len(plan.post_thread)

    loader = Loader(connection)
    email_field = User._meta.get_field("email")
    email_context = email_field.encryption_context
    post_type = ContentType.objects.get_for_model(Post).id
    with transaction.atomic():
        if loader.postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
                cursor.execute("SET LOCAL synchronous_commit = off")
        with clock.phase("drop indexes"):
            loader.drop_secondary_indexes(loaded)

        with clock.phase("members"):
            usable = make_password(BENCH_PASSWORD)
            unusable = make_password(None)
            ring = keyring()
            names = [seedtext.PSEUDONYM_ADJECTIVES, seedtext.PSEUDONYM_NOUNS]
            fields = ["id", "username", "password", "email", "email_index", "date_joined", "age_confirmed_at",
                      "guidelines_accepted_at", "hidden_topics", "theme", "text_size"]  # fmt: skip
            all_topics = json.dumps(list(SensitiveTopic.values))
            themes = ["system"] * 7 + ["light", "dark", "contrast"]
            with loader.table(User, fields) as out:
                for i in range(n_users):
                    if i < sizes.bench_accounts:
                        username, password = BENCH_USERNAME.format(i + 1), usable
                    else:
                        username = f"{rng.choice(names[0])}{rng.choice(names[1])}{i}"
                        password = unusable
                    email, index = "", None
                    if rng.random() < 0.7:
                        address = f"{username.lower()}@example.org"
                        email, index = ring.encrypt(address, context=email_context), email_index(address)
                    joined = to_dt(plan.user_joined[i])
                    hidden = all_topics if rng.random() < 0.8 else "[]"
                    out.write((i + 1, username, password, email, index, joined, joined, joined, hidden,
                               rng.choice(themes), "large" if rng.random() < 0.05 else "normal"))  # fmt: skip
            counts["members"] = n_users

        with clock.phase("communities"):
            # Counters are exactly what the services keep: visible threads, and their visible posts.
            visible_replies = plan.thread_replies - np.bincount(
                plan.post_thread[plan.post_deleted], minlength=sizes.threads
            )
            thread_count = np.bincount(plan.thread_comm, minlength=n_comms)
            post_count = np.bincount(plan.thread_comm, weights=1 + visible_replies, minlength=n_comms).astype(int)
            last_activity = np.full(n_comms, np.nan)
            np.fmax.at(last_activity, plan.thread_comm[plan.post_thread], plan.post_created)
            first_thread = np.full(n_comms, now)
            np.minimum.at(first_thread, plan.thread_comm, plan.thread_created)
            comm_slugs, comm_topic = [], []
            fields = ["id", "slug", "name", "focus_area", "description", "guidelines", "guidelines_html",
                      "membership_mode", "allow_anonymous_posts", "sort_order", "member_count", "thread_count",
                      "post_count", "last_activity_at", "created_at"]  # fmt: skip
            with loader.table(Community, fields) as out:
                for c in range(n_comms):
                    theme, focus = seedtext.COMMUNITY_THEMES[c % len(seedtext.COMMUNITY_THEMES)]
                    qualifier = seedtext.COMMUNITY_QUALIFIERS[(c // len(seedtext.COMMUNITY_THEMES)) % 17]
                    name = f"{theme}: {qualifier}" if qualifier else theme
                    if c >= len(seedtext.COMMUNITY_THEMES) * len(seedtext.COMMUNITY_QUALIFIERS):
                        name = f"{name} {c}"
                    slug = "-".join(name.lower().replace(":", "").replace("'", "").split()) + f"-{c + 1}"
                    guidelines = compose_guidelines(
                        f"Welcome to {name}. Read quietly or say hello, whichever feels right.",
                        [f"Stay close to the theme: {focus.lower()}.", "Share what helped you, not instructions."],
                    )
                    mode = community_mode(c)
                    last = last_activity[c]
                    out.write((
                        c + 1, slug, name[:80], focus, f"A peer-support community about {focus.lower()}.",
                        guidelines, render_markdown(guidelines), mode, c % 10 != 9, 100 + c,
                        int(plan.memb_count[c]), int(thread_count[c]), int(post_count[c]),
                        None if math.isnan(last) else to_dt(last), to_dt(min(first_thread[c], now) - 30 * DAY),
                    ))  # fmt: skip
                    comm_slugs.append(slug)
                    comm_topic.append(seedtext.TOPICS_BY_THEME.get(theme))
            counts["communities"] = n_comms

        with clock.phase("memberships"):
            first_in_comm: dict[int, float] = {}
            keys = plan.thread_comm[plan.post_thread].astype(np.int64) * n_users + plan.post_author
            uniq, idx = np.unique(keys, return_index=True)  # post times are sorted: the first is the earliest
            first_in_comm = dict(zip(uniq.tolist(), plan.post_created[idx].tolist(), strict=True))
            with loader.table(Membership, ["id", "user", "community", "role", "joined_at"]) as out:
                for m in range(len(plan.memb_user)):
                    user, comm = int(plan.memb_user[m]), int(plan.memb_comm[m])
                    joined = plan.user_joined[user]
                    until = min(first_in_comm.get(comm * n_users + user, now), now) - 60
                    when = joined + max(until - joined, 0) * rng.random() ** 2
                    role = MembershipRole.MODERATOR if plan.memb_role_mod[m] else MembershipRole.MEMBER
                    out.write((m + 1, user + 1, comm + 1, role, to_dt(when)))
            counts["memberships"] = len(plan.memb_user)

        with clock.phase("threads"):
            last_post_at = np.zeros(sizes.threads)
            np.maximum.at(last_post_at, plan.post_thread, plan.post_created)
            opener = np.zeros(sizes.threads, dtype=np.int64)
            opening = plan.post_number == 1
            opener[plan.post_thread[opening]] = plan.post_author[opening]
            allow_anon = np.array([c % 10 != 9 for c in range(n_comms)])
            thread_anon = plan.thread_anon & allow_anon[plan.thread_comm]
            titles = []
            fields = ["id", "community", "author", "is_anonymous", "title", "created_at", "last_post_at",
                      "last_post_number", "last_published_number", "reply_count", "status"]  # fmt: skip
            with loader.table(Thread, fields) as out:
                for t in range(sizes.threads):
                    title = bank.title()
                    if t == plan.long_thread:
                        title = "Weekly check-in: how are you doing?"
                    titles.append(title)
                    out.write((
                        t + 1, int(plan.thread_comm[t]) + 1, int(opener[t]) + 1, bool(thread_anon[t]), title,
                        to_dt(plan.thread_created[t]), to_dt(last_post_at[t]), int(plan.thread_replies[t]) + 1,
                        int(plan.thread_replies[t]) + 1, int(visible_replies[t]), ContentStatus.PUBLISHED,
                    ))  # fmt: skip
            counts["threads"] = sizes.threads

        with clock.phase("posts and screenings"):
            delete_after = rng.uniform
            sentence_counts = np.clip(np.random.default_rng(seed_value + 1).lognormal(1.0, 0.55, n_posts), 1, 14)
            fields = ["id", "thread", "number", "author", "is_anonymous", "body", "body_html", "topics",
                      "created_at", "deleted_at", "deleted_by", "status", "risk_level"]  # fmt: skip
            sfields = ["id", "created_at", "author", "community", "content_kind", "content_type", "object_id",
                       "risk_level", "action", "reasons", "findings"]  # fmt: skip
            # Screenings go to a buffer and are copied after the posts: one COPY runs at a time per connection.
            screening_rows: list[tuple[Any, ...]] = []
            with loader.table(Post, fields) as out:
                for p in range(n_posts):
                    t, number = int(plan.post_thread[p]), int(plan.post_number[p])
                    comm = int(plan.thread_comm[t])
                    author = int(plan.post_author[p]) + 1
                    created = to_dt(plan.post_created[p])
                    sentences = int(sentence_counts[p]) + (2 if number == 1 else 0)
                    body, html = bank.body(sentences)
                    topic = comm_topic[comm]
                    topics = f'["{topic}"]' if topic and rng.random() < 0.15 else "[]"
                    anonymous = bool(thread_anon[t]) if number == 1 else bool(plan.post_anon[p] and allow_anon[comm])
                    deleted_at, deleted_by = None, None
                    if plan.post_deleted[p]:
                        deleted_at = to_dt(min(plan.post_created[p] + delete_after(600, 2 * DAY), now))
                        deleted_by = author
                    out.write((p + 1, t + 1, number, author, anonymous, body, html, topics, created, deleted_at,
                               deleted_by, ContentStatus.PUBLISHED, 0))  # fmt: skip
                    kind = ContentKind.THREAD if number == 1 else ContentKind.REPLY
                    screening_rows.append((p + 1, created, author, comm + 1, kind, post_type, p + 1, 0,
                                           "publish", "[]", findings[p % len(findings)]))  # fmt: skip
            with loader.table(Screening, sfields) as out:
                for row in screening_rows:
                    out.write(row)
            del screening_rows
            counts["posts"] = n_posts
            counts["screenings"] = n_posts

        with clock.phase("read states"):
            # Writing marks a thread read up to one's own post (forums.services), so each (member, thread) pair
            # that wrote has a read state at the highest number that member wrote.
            keys = plan.post_thread.astype(np.int64) * n_users + plan.post_author
            order = np.lexsort((plan.post_number, keys))
            last = np.append(keys[order][1:] != keys[order][:-1], True)
            chosen = order[last]
            with loader.table(ReadState, ["id", "user", "thread", "last_read_number", "updated_at"]) as out:
                for i, p in enumerate(chosen.tolist(), start=1):
                    out.write((i, int(plan.post_author[p]) + 1, int(plan.post_thread[p]) + 1,
                               int(plan.post_number[p]), to_dt(plan.post_created[p])))  # fmt: skip
            counts["read_states"] = len(chosen)

        with clock.phase("reactions"):
            nrng = np.random.default_rng(seed_value + 2)
            lam = np.where(plan.post_number == 1, 3.0, 0.75) * sizes.reactions_per_post / 0.9
            per_post = nrng.poisson(lam * nrng.gamma(0.6, 1 / 0.6, n_posts))
            per_post[plan.post_deleted] = 0
            r_post = np.repeat(np.arange(n_posts), per_post)
            r_comm = plan.thread_comm[plan.post_thread[r_post]]
            r_user = plan.memb_user[
                plan.memb_start[r_comm] + np.floor(nrng.random(len(r_post)) * plan.memb_count[r_comm]).astype(int)
            ]
            r_kind = nrng.choice(4, size=len(r_post), p=[0.4, 0.25, 0.2, 0.15])
            keep = r_user != plan.post_author[r_post]
            key = np.unique((r_post[keep] * n_users + r_user[keep]) * 4 + r_kind[keep])
            r_post, r_user, r_kind = key // 4 // n_users, key // 4 % n_users, key % 4
            delay = nrng.exponential(6 * 3600, len(key))
            kinds = ReactionKind.values
            with loader.table(Reaction, ["id", "post", "user", "kind", "created_at"]) as out:
                for i in range(len(key)):
                    p = int(r_post[i])
                    out.write((i + 1, p + 1, int(r_user[i]) + 1, kinds[int(r_kind[i])],
                               to_dt(min(plan.post_created[p] + delay[i], now))))  # fmt: skip
            counts["reactions"] = len(key)

        with clock.phase("reports and queue"):
            counts.update(_reports(loader, plan, rng, post_type=post_type, findings=findings))

        with clock.phase("mutes and blocks"):
            n_blocks = int(n_users * sizes.blocks_per_1k_members / 1000)
            owners = rng.sample(range(sizes.bench_accounts, n_users), min(n_blocks, n_users - sizes.bench_accounts))
            with loader.table(PersonBlock, ["id", "owner", "target", "kind", "created_at"]) as out:
                for i, owner in enumerate(owners, start=1):
                    target = owner
                    while target == owner:
                        target = rng.randrange(n_users)
                    when = max(plan.user_joined[owner], plan.user_joined[target]) + DAY
                    out.write((i, owner + 1, target + 1, "mute" if rng.random() < 0.7 else "block",
                               to_dt(min(when, now))))  # fmt: skip
            counts["blocks"] = len(owners)

        with clock.phase("indexes and constraints"):
            loader.restore_indexes()
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), loaded):
                    cursor.execute(sql)

    with clock.phase("analyze"), connection.cursor() as cursor:
        qn = connection.ops.quote_name
        for model in loaded:
            # VACUUM as well on PostgreSQL: a settled table (visibility map set), as autovacuum would leave it.
            verb = "VACUUM (ANALYZE)" if loader.postgres else "ANALYZE"
            cursor.execute(f"{verb} {qn(model._meta.db_table)}")

    def describe(t: int) -> dict[str, Any]:
        return {
            "thread_id": t + 1,
            "community_slug": comm_slugs[int(plan.thread_comm[t])],
            "replies": int(visible_replies[t]),
            "last_post_number": int(plan.thread_replies[t]) + 1,
            "path": f"/threads/{t + 1}/",
        }

    open_comm = np.array([community_mode(c) == MembershipMode.OPEN for c in range(n_comms)])
    open_biggest = np.nonzero((plan.thread_comm < 5) & open_comm[plan.thread_comm] & (plan.thread_replies <= 3))[0]
    near_500 = int(np.argmin(np.abs(plan.thread_replies - 500) + 10**6 * ~open_comm[plan.thread_comm]))
    shallow = open_biggest[:: max(len(open_biggest) // 5, 1)][:5]
    settings_dict = connection.settings_dict
    return Result(
        counts=counts,
        phases=clock.phases,
        total_seconds=clock.total,
        long_thread=describe(plan.long_thread),
        sample_threads={
            # The readable thread whose length is nearest 500 replies, and short ones in big communities.
            "near_500": describe(near_500),
            "shallow": [describe(int(t)) for t in shallow],
        },
        sample_communities={
            "biggest": [comm_slugs[c] for c in range(min(5, n_comms))],
            "smallest_open": [comm_slugs[c] for c in range(n_comms - 1, -1, -1) if open_comm[c]][:5],
        },
        bench_accounts=[BENCH_USERNAME.format(i + 1) for i in range(sizes.bench_accounts)],
        password=BENCH_PASSWORD,
        database={"vendor": connection.vendor, "name": str(settings_dict["NAME"])},
        encryption_key_id=keyring().current_id,
    )


def _reports(loader: Loader, plan: Plan, rng: random.Random, *, post_type: int, findings: list[str]) -> dict[str, int]:
    """Member reports of published posts, each with its moderation queue item. Older ones were looked at by one of
    the community's moderators, who found the post within the guidelines (approved, logged); the last three days'
    are still waiting. 'Someone may be at risk' reports are left out: they page the on-call moderator."""

    n_posts = len(plan.post_thread)
    n_reports = max(int(n_posts * plan.sizes.reports_per_10k_posts / 10_000), 1)
    candidates = np.nonzero(~plan.post_deleted)[0]
    reported = sorted(rng.sample(candidates.tolist(), min(n_reports, len(candidates))))
    reasons = [ReportReason.OTHER, ReportReason.SPAM, ReportReason.HARASSMENT, ReportReason.MISINFORMATION,
               ReportReason.PERSONAL_DETAILS]  # fmt: skip
    reason_weights = [0.3, 0.25, 0.25, 0.1, 0.1]
    details_field = Report._meta.get_field("details")
    audit_reason = AuditLogEntry._meta.get_field("reason")
    conn = loader.connection
    moderators: dict[int, list[int]] = {}
    for m in np.nonzero(plan.memb_role_mod)[0].tolist():
        moderators.setdefault(int(plan.memb_comm[m]), []).append(int(plan.memb_user[m]))
    reports: list[tuple[Any, ...]] = []
    items: list[tuple[Any, ...]] = []
    logs: list[tuple[Any, ...]] = []
    screenings: list[tuple[int, int, datetime]] = []
    for i, p in enumerate(reported, start=1):
        t = int(plan.post_thread[p])
        comm = int(plan.thread_comm[t])
        lo, hi = int(plan.memb_start[comm]), int(plan.memb_start[comm] + plan.memb_count[comm])
        author = int(plan.post_author[p])
        reporter = author
        while reporter == author and hi - lo > 1:
            reporter = int(plan.memb_user[rng.randrange(lo, hi)])
        created = min(plan.post_created[p] + rng.expovariate(1 / (8 * 3600)), plan.now - 60)
        reason = rng.choices(reasons, weights=reason_weights)[0]
        details = rng.choice(seedtext.REPORT_DETAILS)
        minutes = REPORT_RESPONSE_MINUTES.get(reason, DEFAULT_RESPONSE_MINUTES)
        resolved = created < plan.now - 3 * DAY
        moderator = rng.choice(moderators[comm]) if resolved else None
        resolved_at = min(created + rng.uniform(600, 2 * DAY), plan.now - 30) if resolved else None
        items.append((i, post_type, p + 1, comm + 1, author + 1, '["report"]', 0, False,
                      json.dumps([f"Reported: {ReportReason(reason).label}."]),
                      QueueStatus.RESOLVED if resolved else QueueStatus.OPEN, to_dt(created),
                      to_dt(created + minutes * 60), None if moderator is None else moderator + 1,
                      None if resolved_at is None else to_dt(resolved_at), "approved" if resolved else ""))  # fmt: skip
        reports.append((i, reporter + 1, p + 1, reason, details_field.get_db_prep_save(details, conn),
                        to_dt(created), i))  # fmt: skip
        if details:
            screenings.append((reporter + 1, comm + 1, to_dt(created)))
        if moderator is not None and resolved_at is not None:
            note = audit_reason.get_db_prep_save("Checked: within the guidelines.", conn)
            logs.append((len(logs) + 1, to_dt(resolved_at), moderator + 1, ActionKind.APPROVE, note, post_type,
                         p + 1, author + 1, i))  # fmt: skip
    item_fields = ["id", "content_type", "object_id", "community", "author", "kinds", "risk_level", "held",
                   "reasons", "status", "created_at", "due_at", "resolved_by", "resolved_at", "resolution"]  # fmt: skip
    with loader.table(QueueItem, item_fields) as out:
        for item in items:
            out.write(item)
    fields = ["id", "reporter", "post", "reason", "details", "created_at", "queue_item"]
    with loader.table(Report, fields) as out:
        for report in reports:
            out.write(report)
    fields = ["id", "created_at", "actor", "action", "reason", "content_type", "object_id", "subject", "queue_item"]
    with loader.table(AuditLogEntry, fields) as out:
        for log in logs:
            out.write(log)
    # Report details are screened too (moderation.reports); the row records no content, as there.
    first_id = n_posts + 1
    sfields = ["id", "author", "community", "created_at", "content_kind", "risk_level", "action", "reasons",
               "findings"]  # fmt: skip
    with loader.table(Screening, sfields) as out:
        for j, (reporter_id, comm_id, created_at) in enumerate(screenings):
            out.write((first_id + j, reporter_id, comm_id, created_at, ContentKind.REPORT, 0, "publish", "[]",
                       findings[j % len(findings)]))  # fmt: skip
    return {"reports": len(reports), "queue_items": len(items), "audit_log": len(logs),
            "report_screenings": len(screenings)}  # fmt: skip


# --- Command line ------------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every default count (default 1)")
    parser.add_argument("--members", type=int)
    parser.add_argument("--communities", type=int)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--replies", type=int)
    parser.add_argument("--bench-accounts", type=int, help="load-test accounts BenchMember1… (default 20)")
    parser.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same data")
    parser.add_argument("--info-file", type=Path, help="where to write the JSON summary (default var/seed-<db>.json)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = Sizes.scaled(
        args.scale,
        members=args.members,
        communities=args.communities,
        threads=args.threads,
        replies=args.replies,
        bench_accounts=args.bench_accounts,
    )
    print("Seeding " + ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in asdict(sizes).items()), flush=True)
    result = seed(sizes, seed_value=args.seed)
    info = asdict(result)
    path = args.info_file or ROOT / "var" / f"seed-{Path(result.database['name']).stem}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(info, indent=2) + "\n")
    print("Rows: " + ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in result.counts.items()))
    lt = result.long_thread
    print(f"Long thread: {lt['path']} ({lt['replies']} replies) in /communities/{lt['community_slug']}/")
    print(f"Load-test sign-ins: {result.bench_accounts[0]}…{result.bench_accounts[-1]}, password {BENCH_PASSWORD}")
    print(f"Total: {result.total_seconds:.1f} s. Summary written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
