"""Encryption at rest: what a database dump shows of 1:1 messages, emails and safety plans (nothing), what
tampering does (refused), and that key rotation and a missing key behave as documented."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from hearth.accounts.models import User
from hearth.chat.models import Message, RoomKind
from hearth.chat.services import send_message
from hearth.core.encryption import (
    DecryptionError,
    Keyring,
    email_index_candidates,
    generate_key,
    is_sealed,
    parse_keys,
)
from hearth.core.fields import EncryptedJSONField, rewrite_column
from hearth.core.testing.factories import UserFactory
from hearth.listeners.models import ListenerProfile, ListenerStatus, TrainingProgress
from hearth.listeners.services import accept_request, hand_over, request_listener
from hearth.moderation.models import Appeal, AuditLogEntry, Report
from hearth.notifications.services import notify
from hearth.wellbeing.models import SafetyPlan
from hearth.wellbeing.services import save_safety_plan

ROOT = Path(__file__).resolve().parents[3]
SECRET_MESSAGE = "Cobalt lanterns drift past the quarry at midnight"
SECRET_EMAIL = "marigold.quarry@example.org"
SECRET_PLAN = "Ring Auntie Perpetua about the violet greenhouse"
KEY_A, KEY_B = generate_key(), generate_key()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=20,
)


def keys(*raw: str) -> list[bytes]:
    return parse_keys(",".join(raw), name="test")


# --- The cipher -----------------------------------------------------------------------------------------------


@given(st.text())
def test_any_text_round_trips(text):
    ring = Keyring.from_keys(keys(KEY_A))
    sealed = ring.encrypt(text, context="t.c")
    assert is_sealed(sealed)
    assert ring.decrypt(sealed, context="t.c") == text


@given(json_values)
def test_any_json_round_trips(value):
    field = EncryptedJSONField()
    assert field.from_text(field.to_text(value)) == value


def test_the_same_text_seals_differently_each_time():
    ring = Keyring.from_keys(keys(KEY_A))
    assert ring.encrypt("same", context="t.c") != ring.encrypt("same", context="t.c")


def test_a_changed_byte_is_detected():
    ring = Keyring.from_keys(keys(KEY_A))
    prefix, kid, payload = ring.encrypt("I am safe tonight", context="t.c").split(":")
    raw = bytearray(base64.urlsafe_b64decode(payload))
    raw[-1] ^= 1
    tampered = f"{prefix}:{kid}:{base64.urlsafe_b64encode(bytes(raw)).decode()}"
    with pytest.raises(DecryptionError) as excinfo:
        ring.decrypt(tampered, context="t.c")
    assert "I am safe" not in str(excinfo.value)


def test_a_value_from_another_column_does_not_open():
    ring = Keyring.from_keys(keys(KEY_A))
    with pytest.raises(DecryptionError):
        ring.decrypt(ring.encrypt("note", context="chat_message.body"), context="chat_message.moderator_note")


def test_plaintext_and_unknown_keys_are_refused():
    with pytest.raises(DecryptionError):
        Keyring.from_keys(keys(KEY_A)).decrypt("plain words", context="t.c")
    with pytest.raises(DecryptionError, match="not in the keyring"):
        Keyring.from_keys(keys(KEY_B)).decrypt(
            Keyring.from_keys(keys(KEY_A)).encrypt("x", context="t.c"), context="t.c"
        )


@pytest.mark.parametrize("raw", ["not-base64!", base64.urlsafe_b64encode(b"short").decode()])
def test_malformed_keys_stop_start_up_with_how_to_make_one(raw):
    with pytest.raises(ImproperlyConfigured, match="python -c"):
        parse_keys(raw, name="HEARTH_ENCRYPTION_KEYS")


def test_a_key_file_lists_keys_newest_first_with_comments():
    parsed = parse_keys(f"# newest\n{KEY_B}\n{KEY_A}  # since 2026\n", name="test")
    assert parsed == keys(KEY_B, KEY_A)


# --- Start-up ---------------------------------------------------------------------------------------------------


def start_django(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HEARTH_", "DJANGO_", "PYTEST_"))}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": "start-up-test-only",
            "HEARTH_VAR_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_mode_refuses_to_start_without_a_key(tmp_path):
    result = start_django(tmp_path, DEBUG="false", HEARTH_BLIND_INDEX_KEYS=KEY_B)
    assert result.returncode != 0
    assert "ImproperlyConfigured: HEARTH_ENCRYPTION_KEYS (or HEARTH_ENCRYPTION_KEYS_FILE) must be set" in result.stderr
    assert 'python -c "import base64, os' in result.stderr


def test_production_mode_refuses_to_start_without_a_blind_index_key(tmp_path):
    result = start_django(tmp_path, DEBUG="false", HEARTH_ENCRYPTION_KEYS=KEY_A)
    assert result.returncode != 0
    assert "HEARTH_BLIND_INDEX_KEYS (or HEARTH_BLIND_INDEX_KEYS_FILE) must be set" in result.stderr


def test_production_mode_starts_with_keys_from_files(tmp_path):
    (tmp_path / "keys").write_text(f"{KEY_A}\n")
    (tmp_path / "index").write_text(f"{KEY_B}\n")
    result = start_django(
        tmp_path,
        DEBUG="false",
        HEARTH_ENCRYPTION_KEYS_FILE=str(tmp_path / "keys"),
        HEARTH_BLIND_INDEX_KEYS_FILE=str(tmp_path / "index"),
    )
    assert result.returncode == 0, result.stderr


# --- Stored data --------------------------------------------------------------------------------------------------


def make_listener(username: str) -> User:
    user = UserFactory(username=username, is_listener=True)
    TrainingProgress.objects.create(user=user, passed_at=timezone.now(), lessons_read=[])
    ListenerProfile.objects.create(user=user, status=ListenerStatus.AVAILABLE, topics=[], languages=["en"])
    return user


def sensitive_data() -> tuple[User, Message]:
    """A member with an email and a safety plan, and a 1:1 support chat message with a moderator's note."""
    member = UserFactory(username="QuietHeron42", email=SECRET_EMAIL)
    listener = make_listener("GentleOwl55")
    support = accept_request(listener, request_listener(member, topics=[], language="en"))
    assert support.room is not None and support.room.kind == RoomKind.SUPPORT
    message = send_message(member, support.room, body=SECRET_MESSAGE, client_id="dump-test-0001").message
    Message.objects.filter(id=message.id).update(moderator_note=f"Note: {SECRET_MESSAGE}")
    save_safety_plan(member, sections={"coping_alone": [SECRET_PLAN]})
    # The listener's hand-over note (audit log) and a moderator's private message (notification).
    UserFactory(username="WiseWillow3", is_global_moderator=True)
    hand_over(listener, support, reason=f"They said: {SECRET_MESSAGE}")
    notify(member, kind="moderator_outreach", title="A message from the moderators", body=SECRET_MESSAGE)
    # A report and an appeal that quote the chat.
    Report.objects.create(reporter=member, member=listener, reason="other", details=f"They wrote: {SECRET_MESSAGE}")
    Appeal.objects.create(
        appellant=member,
        action=AuditLogEntry.objects.get(action="hand_over"),
        statement=f"I only said: {SECRET_MESSAGE}",
        response=f"We read: {SECRET_MESSAGE}",
    )
    return member, message


def every_stored_text() -> str:
    """Every value of every column of every table, as text: what a raw SQL dump would show."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (table names from the database)
            parts.extend(
                (v.decode("utf-8", "replace") if isinstance(v, bytes | memoryview) else str(v))
                for row in cursor.fetchall()
                for v in (bytes(x) if isinstance(x, memoryview) else x for x in row)
            )
    return "\n".join(parts)


def secret_fragments() -> list[str]:
    return [SECRET_MESSAGE, "Cobalt lanterns", "quarry at midnight", SECRET_EMAIL, "marigold.quarry", SECRET_PLAN]


@pytest.mark.django_db
def test_a_database_dump_shows_no_message_email_or_safety_plan():
    member, message = sensitive_data()
    dump = every_stored_text().lower()
    assert "quietheron42" in dump  # the dump sees plain columns
    assert [s for s in secret_fragments() if s.lower() in dump] == []
    # ...and the application still reads them all.
    message.refresh_from_db()
    member.refresh_from_db()
    assert (message.body, member.email) == (SECRET_MESSAGE, SECRET_EMAIL)
    assert SECRET_MESSAGE in message.body_html and SECRET_MESSAGE in message.moderator_note
    assert SafetyPlan.objects.get(user=member).items("coping_alone") == [SECRET_PLAN]
    assert AuditLogEntry.objects.get(action="hand_over").reason == f"They said: {SECRET_MESSAGE}"
    assert member.notifications.get(kind="moderator_outreach").body == SECRET_MESSAGE
    assert Report.objects.get(reporter=member).details == f"They wrote: {SECRET_MESSAGE}"
    appeal = Appeal.objects.get(appellant=member)
    assert (appeal.statement, appeal.response) == (f"I only said: {SECRET_MESSAGE}", f"We read: {SECRET_MESSAGE}")


@pytest.mark.skipif(connection.vendor != "postgresql" or not shutil.which("pg_dump"), reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_pg_dump_shows_no_message_email_or_safety_plan():
    sensitive_data()
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    command = ["pg_dump", "--data-only", "-h", db["HOST"] or "127.0.0.1", "-U", db["USER"], db["NAME"]]
    if db.get("PORT"):
        command += ["-p", str(db["PORT"])]
    # The test database's own connection settings.
    dump = subprocess.run(command, env=env, capture_output=True, text=True, check=True, timeout=120).stdout  # noqa: S603
    assert "QuietHeron42" in dump  # the dump did see the test's rows
    assert [s for s in secret_fragments() if s.lower() in dump.lower()] == []


@pytest.mark.django_db
def test_a_ciphertext_copied_into_another_column_is_refused():
    _, message = sensitive_data()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE chat_message SET moderator_note = body WHERE id = %s", [message.id])
    with pytest.raises(DecryptionError):
        Message.objects.get(id=message.id)


@pytest.mark.django_db
def test_encrypted_text_cannot_be_searched_by_the_database():
    with pytest.raises(FieldError):
        list(Message.objects.filter(body__icontains="lantern"))
    with pytest.raises(FieldError):
        list(Message.objects.filter(body="Cobalt"))
    assert list(Message.objects.filter(moderator_note="")) == []


@pytest.mark.django_db
def test_the_chat_history_and_api_return_readable_messages():
    member, message = sensitive_data()
    client = Client()
    client.force_login(member)
    page = client.get(f"/api/v1/chat/rooms/{message.room_id}/messages").json()
    assert [m["body_html"].strip() for m in page["messages"]] == [f"<p>{SECRET_MESSAGE}</p>"]
    history = client.get(reverse("chat:room", args=[message.room_id])).content.decode()
    assert SECRET_MESSAGE in history


# --- Emails -------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_email_lookups_use_the_blind_index_and_ignore_case():
    member = UserFactory(email=SECRET_EMAIL)
    assert list(User.objects.filter(email__iexact="  Marigold.Quarry@EXAMPLE.org")) == [member]
    assert not User.objects.filter(email="someone.else@example.org").exists()
    member.email = "new.address@example.org"
    member.save(update_fields=["email"])  # the index follows the address
    assert list(User.objects.filter(email="new.address@example.org")) == [member]
    assert not User.objects.filter(email=SECRET_EMAIL).exists()


@pytest.mark.django_db
def test_two_accounts_cannot_share_an_address():
    UserFactory(email=SECRET_EMAIL)
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email=SECRET_EMAIL.upper())
    UserFactory(email="")  # many accounts have none
    UserFactory(email="")


def signup_data(**overrides: str) -> dict[str, str]:
    return {
        "username": "CalmRiver9",
        "email": SECRET_EMAIL,
        "password1": "correct horse battery staple",
        "password2": "correct horse battery staple",
        "confirm_age": "on",
        "accept_guidelines": "on",
        **overrides,
    }


@pytest.mark.django_db
def test_browser_sign_up_keeps_the_address_on_the_account_only():
    response = Client().post(reverse("account_signup"), signup_data())
    assert response.status_code == 302
    user = User.objects.get(username="CalmRiver9")
    assert user.email == SECRET_EMAIL
    assert not EmailAddress.objects.exists()  # allauth's table would hold it in clear
    assert SECRET_EMAIL not in every_stored_text()


@pytest.mark.django_db
def test_browser_sign_up_still_refuses_an_address_in_use():
    UserFactory(email=SECRET_EMAIL)
    response = Client().post(reverse("account_signup"), signup_data(email=SECRET_EMAIL.upper()))
    assert response.status_code == 200
    assert not User.objects.filter(username="CalmRiver9").exists()


@pytest.mark.django_db
def test_password_reset_finds_the_encrypted_address_and_tells_nobody_else():
    UserFactory(username="QuietHeron42", email=SECRET_EMAIL)
    client = Client()
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert mail.outbox == []
    known = client.post(reverse("account_reset_password"), {"email": SECRET_EMAIL.upper()})
    assert unknown.status_code == known.status_code == 302 and unknown["Location"] == known["Location"]
    assert [m.to for m in mail.outbox] == [[SECRET_EMAIL.upper().lower()]]


@pytest.mark.django_db
def test_allauths_address_book_is_not_offered(member_client):
    assert member_client.get("/accounts/email/").status_code == 404
    assert member_client.post("/accounts/email/", {"email": SECRET_EMAIL, "action_add": ""}).status_code == 404
    assert not EmailAddress.objects.exists()


# --- Rotation -----------------------------------------------------------------------------------------------------


def stored(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {column} <> ''")  # noqa: S608 (fixed names)
        return [row[0] for row in cursor.fetchall()]


def key_ids(table: str, column: str) -> set[str]:
    return {value.split(":")[1] for value in stored(table, column)}


def rotate() -> str:
    out = StringIO()
    call_command("rotate_encryption_keys", batch_size=2, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_rotation_re_seals_everything_so_the_old_key_can_go(settings):
    settings.HEARTH_ENCRYPTION_KEYS = keys(KEY_A)
    settings.HEARTH_BLIND_INDEX_KEYS = keys(KEY_A)
    member, message = sensitive_data()
    old_id, new_id = Keyring.from_keys(keys(KEY_A)).current_id, Keyring.from_keys(keys(KEY_B)).current_id

    settings.HEARTH_ENCRYPTION_KEYS = keys(KEY_B, KEY_A)
    settings.HEARTH_BLIND_INDEX_KEYS = keys(KEY_B, KEY_A)
    # Before the command: old values still open, and old indexes still match.
    assert Message.objects.get(id=message.id).body == SECRET_MESSAGE
    assert list(User.objects.filter(email=SECRET_EMAIL)) == [member]
    output = rotate()
    assert "chat_message.body: 1 re-encrypted" in output
    assert "accounts_user.email: 1 re-encrypted" in output
    assert "accounts_user.email_index: 1 re-indexed" in output
    assert "wellbeing_safetyplan.sections: 1 re-encrypted" in output
    assert key_ids("chat_message", "body") == key_ids("accounts_user", "email") == {new_id} != {old_id}

    # Safe to run twice: nothing left to do.
    assert " 1 re-" not in rotate()

    settings.HEARTH_ENCRYPTION_KEYS = keys(KEY_B)
    settings.HEARTH_BLIND_INDEX_KEYS = keys(KEY_B)
    assert Message.objects.get(id=message.id).moderator_note == f"Note: {SECRET_MESSAGE}"
    assert User.objects.get(email=SECRET_EMAIL).email == SECRET_EMAIL
    assert SafetyPlan.objects.get(user=member).items("coping_alone") == [SECRET_PLAN]


@pytest.mark.django_db
def test_an_interrupted_rotation_keeps_its_progress_and_finishes_when_run_again(settings):
    settings.HEARTH_ENCRYPTION_KEYS = keys(KEY_A)
    member = UserFactory(username="QuietHeron42")
    for n in range(5):
        save_safety_plan(UserFactory(username=f"Calm{n}River"), sections={"coping_alone": [f"walk {n}"]})
    settings.HEARTH_ENCRYPTION_KEYS = keys(KEY_B, KEY_A)
    ring, seen = Keyring.from_keys(keys(KEY_B, KEY_A)), []
    context = "wellbeing_safetyplan.sections"

    def stop_at_the_third(value: str) -> str:
        seen.append(value)
        if len(seen) == 3:
            raise KeyboardInterrupt
        return ring.encrypt(ring.decrypt(value, context=context), context=context)

    with pytest.raises(KeyboardInterrupt):
        rewrite_column(
            connection,
            table="wellbeing_safetyplan",
            pk_column="id",
            column="sections",
            change=stop_at_the_third,
            batch_size=2,
        )
    new_id = ring.current_id
    assert sorted(v.split(":")[1] == new_id for v in stored("wellbeing_safetyplan", "sections")) == [
        False,
        False,
        False,
        True,
        True,
    ]
    assert "wellbeing_safetyplan.sections: 3 re-encrypted" in rotate()
    assert key_ids("wellbeing_safetyplan", "sections") == {new_id}
    assert member.id  # untouched accounts are fine


# --- Migrations ---------------------------------------------------------------------------------------------------


BEFORE = [
    ("accounts", "0002_personblock"),
    ("chat", "0001_initial"),
    ("wellbeing", "0001_initial"),
    ("account", "0009_emailaddress_unique_primary_email"),
]
AFTER = [
    ("accounts", "0003_encrypt_email"),
    ("chat", "0002_encrypt_messages"),
    ("wellbeing", "0002_encrypt_safety_plans"),
]


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_migrations_encrypt_existing_plaintext_and_reverse_cleanly():
    old = migrate(BEFORE)
    try:
        old_user = old.get_model("accounts", "User")
        member = old_user.objects.create(username="QuietHeron42", email="")
        twin = old_user.objects.create(username="BraveOtter17", email=SECRET_EMAIL.upper())
        old.get_model("account", "EmailAddress").objects.create(user_id=member.id, email=SECRET_EMAIL, primary=True)
        room = old.get_model("chat", "Room").objects.create(kind="support", title="1:1")
        old.get_model("chat", "Message").objects.create(
            room=room,
            seq=1,
            author_id=member.id,
            client_id="m1",
            body=SECRET_MESSAGE,
            body_html=f"<p>{SECRET_MESSAGE}</p>",
        )
        old.get_model("wellbeing", "SafetyPlan").objects.create(
            user_id=member.id, sections={"coping_alone": [SECRET_PLAN]}
        )

        migrate(AFTER)
        dump = every_stored_text().lower()
        assert [s for s in secret_fragments() if s.lower() in dump] == []
        assert not EmailAddress.objects.exists()
        assert User.objects.get(id=member.id).email == SECRET_EMAIL  # moved from allauth's table
        assert User.objects.get(id=twin.id).email == ""  # the newer account sharing it loses it
        assert Message.objects.get(room_id=room.id).body == SECRET_MESSAGE
        assert SafetyPlan.objects.get(user_id=member.id).items("coping_alone") == [SECRET_PLAN]
        assert list(User.objects.filter(email=SECRET_EMAIL)) == [User.objects.get(id=member.id)]

        old = migrate(BEFORE)
        assert stored("chat_message", "body") == [SECRET_MESSAGE]
        assert stored("accounts_user", "email") == [SECRET_EMAIL]
        plans = old.get_model("wellbeing", "SafetyPlan").objects.values_list("sections", flat=True)
        assert list(plans) == [{"coping_alone": [SECRET_PLAN]}]
        assert list(EmailAddress.objects.values_list("email", flat=True)) == [SECRET_EMAIL]
    finally:
        migrate()


@pytest.mark.django_db(transaction=True)
def test_report_and_appeal_text_is_encrypted_by_migration_and_reverses_cleanly():
    member = UserFactory(username="QuietHeron42")
    entry = AuditLogEntry.objects.create(action="warn", subject=member, reason="A reason")
    old = migrate([("moderation", "0006_encrypt_audit_log_reason")])
    try:
        old.get_model("moderation", "Report").objects.create(
            reporter_id=member.id, member_id=member.id, reason="other", details=SECRET_MESSAGE
        )
        old.get_model("moderation", "Appeal").objects.create(
            appellant_id=member.id, action_id=entry.id, statement=SECRET_MESSAGE, response=SECRET_PLAN
        )
        new = migrate([("moderation", "0007_encrypt_report_and_appeal_text")])
        dump = every_stored_text().lower()
        assert [s for s in secret_fragments() if s.lower() in dump] == []
        assert new.get_model("moderation", "Report").objects.get().details == SECRET_MESSAGE
        appeal = new.get_model("moderation", "Appeal").objects.get()
        assert (appeal.statement, appeal.response) == (SECRET_MESSAGE, SECRET_PLAN)

        migrate([("moderation", "0006_encrypt_audit_log_reason")])
        assert stored("moderation_report", "details") == [SECRET_MESSAGE]
        assert stored("moderation_appeal", "statement") == [SECRET_MESSAGE]
        assert stored("moderation_appeal", "response") == [SECRET_PLAN]
    finally:
        migrate()


def test_index_candidates_cover_every_listed_key(settings):
    settings.HEARTH_BLIND_INDEX_KEYS = keys(KEY_B, KEY_A)
    assert len(set(email_index_candidates(SECRET_EMAIL))) == 2
    assert email_index_candidates("  ") == []
