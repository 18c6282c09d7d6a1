"""Model fields that are encrypted in the database and plain in Python (hearth.core.encryption).

Encrypted columns cannot be searched or compared by the database: filtering on one raises, except for an empty
value or NULL. An encrypted email keeps a blind index in a sibling column, and `email=` / `email__iexact=` look the
address up there, so allauth's lookups by email (password reset, uniqueness) keep working.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.apps import apps
from django.core.exceptions import FieldError
from django.db import migrations, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models.expressions import Col
from django.db.models.lookups import Exact, IsNull, Lookup
from django.db.models.sql.compiler import SQLCompiler

from hearth.core.encryption import decrypt, email_index_candidates, encrypt, is_sealed


class EmptyOnlyExact(Exact):  # type: ignore[type-arg]
    """`field=""` still finds rows with no value; any other comparison would silently never match."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise FieldError(f"{self.lhs.output_field.name} is encrypted: it can only be compared with empty.")
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text sealed with AES-GCM, bound to its table and column. NULL and "" are stored as they are."""

    _allowed_lookups: dict[str, type[Lookup[Any]]] = {"exact": EmptyOnlyExact, "isnull": IsNull}

    @property
    def encryption_context(self) -> str:
        return f"{self.model._meta.db_table}.{self.column}"

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        return self._allowed_lookups.get(lookup_name)

    def get_transform(self, lookup_name: str) -> None:
        return None

    def to_text(self, value: Any) -> str:
        return str(value)

    def from_text(self, text: str) -> Any:
        return text

    def get_db_prep_save(self, value: Any, connection: BaseDatabaseWrapper) -> Any:
        if value is None or value == "":
            return value
        return encrypt(self.to_text(value), context=self.encryption_context)

    def from_db_value(self, value: Any, expression: Any, connection: BaseDatabaseWrapper) -> Any:
        if value is None or value == "":
            return value
        return self.from_text(decrypt(value, context=self.encryption_context))


class EncryptedJSONField(EncryptedTextField):
    """JSON sealed as one value: even an empty object is encrypted, so the column shows nothing of its shape."""

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        return IsNull if lookup_name == "isnull" else None

    def get_prep_value(self, value: Any) -> Any:
        return value

    def to_python(self, value: Any) -> Any:
        return value

    def to_text(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def from_text(self, text: str) -> Any:
        return json.loads(text)

    def get_db_prep_save(self, value: Any, connection: BaseDatabaseWrapper) -> Any:
        if value is None:
            return None
        return encrypt(self.to_text(value), context=self.encryption_context)

    def from_db_value(self, value: Any, expression: Any, connection: BaseDatabaseWrapper) -> Any:
        if value is None:
            return None
        return self.from_text(decrypt(value, context=self.encryption_context))

    def value_to_string(self, obj: models.Model) -> str:
        return self.to_text(self.value_from_object(obj))

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        return super().formfield(
            form_class=form_class or forms.JSONField, choices_form_class=choices_form_class, **kwargs
        )


class BlindIndexExact(Lookup):  # type: ignore[type-arg]
    """`email=x` and `email__iexact=x` compare x's blind index with the index column (all listed index keys)."""

    lookup_name = "exact"
    prepare_rhs = False

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
        if hasattr(self.rhs, "resolve_expression") or not isinstance(self.rhs, str | None):
            raise FieldError("An encrypted email can only be looked up by a literal address.")
        field = self.lhs.output_field
        index_sql, index_params = compiler.compile(Col(self.lhs.alias, field.model._meta.get_field(field.index_field)))
        candidates = email_index_candidates(self.rhs or "")
        if not candidates:
            return f"{index_sql} IS NULL", list(index_params)
        placeholders = ", ".join(["%s"] * len(candidates))
        return f"{index_sql} IN ({placeholders})", [*index_params, *candidates]


class EncryptedEmailField(EncryptedTextField):
    """An encrypted address with a keyed blind index in `index_field`. The model must keep that column in step
    (`hearth.accounts.models.User.save` does): the index is what lookups and the unique constraint see."""

    def __init__(self, *args: Any, index_field: str, **kwargs: Any) -> None:
        self.index_field = index_field
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["index_field"] = self.index_field
        return name, path, args, kwargs

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        if lookup_name in {"exact", "iexact"}:
            return BlindIndexExact
        return IsNull if lookup_name == "isnull" else None

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        # Field's, not TextField's: an address is one line.
        return models.Field.formfield(
            self, form_class=form_class or forms.EmailField, choices_form_class=choices_form_class, **kwargs
        )


# --- Rewriting stored values (migrations and key rotation) ---------------------------------------------------


def encrypted_fields() -> list[EncryptedTextField]:
    """Every encrypted column of every installed model."""
    return [
        field
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]


def rewrite_column(
    connection: BaseDatabaseWrapper,
    *,
    table: str,
    pk_column: str,
    column: str,
    change: Callable[[str], str | None],
    batch_size: int = 500,
) -> int:
    """Pass every non-empty value of one column to `change` (None keeps it) and store what it returns, in batches
    by primary key, each batch in its own transaction. A value changed by someone else meanwhile is left alone:
    whatever they wrote was sealed with the newest key. Returns how many values were rewritten."""
    qn = connection.ops.quote_name
    pk, col = qn(pk_column), qn(column)
    # Identifiers come from model metadata, quoted; values are always parameters.
    where = f"{col} IS NOT NULL AND {col} <> ''"
    first = f"SELECT {pk}, {col} FROM {qn(table)} WHERE {where} ORDER BY {pk} LIMIT %s"  # noqa: S608  # nosec B608
    after = f"SELECT {pk}, {col} FROM {qn(table)} WHERE {pk} > %s AND {where} ORDER BY {pk} LIMIT %s"  # noqa: S608  # nosec B608
    update = f"UPDATE {qn(table)} SET {col} = %s WHERE {pk} = %s AND {col} = %s"  # noqa: S608  # nosec B608
    rewritten, last = 0, None
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(first if last is None else after, [batch_size] if last is None else [last, batch_size])
            rows = cursor.fetchall()
            changes = [(new, key, old) for key, old in rows if (new := change(old)) is not None and new != old]
            if changes:
                cursor.executemany(update, changes)
        rewritten += len(changes)
        if len(rows) < batch_size:
            return rewritten
        last = rows[-1][0]


def run_deferred_checks(connection: BaseDatabaseWrapper) -> None:
    """PostgreSQL refuses to alter a table with rows changed in the same transaction until their deferred
    foreign-key checks have run: run them now, so a migration can change data and then columns."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def seal_existing(app_label: str, model_name: str, *field_names: str) -> migrations.RunPython:
    """A migration step that encrypts the plaintext already in these columns (after they became encrypted
    fields), and decrypts it again when the migration is reversed."""

    def convert(apps: Any, schema_editor: BaseDatabaseSchemaEditor, *, seal: bool) -> None:
        model = apps.get_model(app_label, model_name)
        table, pk_column = model._meta.db_table, model._meta.pk.column
        for name in field_names:
            column = model._meta.get_field(name).column
            context = f"{table}.{column}"

            def change(value: str, context: str = context) -> str | None:
                if seal:
                    return None if is_sealed(value) else encrypt(value, context=context)
                return decrypt(value, context=context) if is_sealed(value) else None

            rewrite_column(schema_editor.connection, table=table, pk_column=pk_column, column=column, change=change)
        run_deferred_checks(schema_editor.connection)

    return migrations.RunPython(
        functools.partial(convert, seal=True), functools.partial(convert, seal=False), elidable=False
    )
