"""The database side of the voice search index, per vendor.

SQLite: an FTS5 table over `voices_voicesearchindex` (external content, rowid = voice id), kept in
step by three triggers — the documented FTS5 pattern, so bulk inserts and cascade deletes stay
consistent too. PostgreSQL: a generated `tsvector` column `to_tsvector('simple', tokens)` with a GIN index; the tokens are already
segmented by jieba, so the 'simple' configuration only splits on the spaces.

`CreateVoiceSearchSchema()` is the migration operation (the lead adds it to the voices migration
after `VoiceSearchIndex` is created). `ensure_search_schema` runs the same idempotent statements after
every migrate, so databases built without migrations (tests with --nomigrations) have them as well.
"""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState

INDEX_TABLE = "voices_voicesearchindex"
FTS_TABLE = "voices_search_fts"
PG_INDEX = "voices_search_tokens_gin"
# A stored generated column (PostgreSQL ≥ 12) holds the tsvector, so ranking thousands of matches
# reads it instead of parsing every row's tokens again; the model never sees it.
PG_COLUMN = "tokens_tsv"
PG_VECTOR = f"{INDEX_TABLE}.{PG_COLUMN}"

_SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    f"tokens, content='{INDEX_TABLE}', content_rowid='voice_id', tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON {INDEX_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, tokens) VALUES (new.voice_id, new.tokens); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON {INDEX_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, tokens) VALUES ('delete', old.voice_id, old.tokens); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE ON {INDEX_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, tokens) VALUES ('delete', old.voice_id, old.tokens); "
    f"INSERT INTO {FTS_TABLE}(rowid, tokens) VALUES (new.voice_id, new.tokens); END",
]
_SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_au",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ai",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
_POSTGRES_FORWARD = [
    f"ALTER TABLE {INDEX_TABLE} ADD COLUMN IF NOT EXISTS {PG_COLUMN} tsvector "
    f"GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, tokens)) STORED",
    f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON {INDEX_TABLE} USING gin ({PG_COLUMN})",
]
_POSTGRES_BACKWARD = [
    f"DROP INDEX IF EXISTS {PG_INDEX}",
    f"ALTER TABLE {INDEX_TABLE} DROP COLUMN IF EXISTS {PG_COLUMN}",
]


def forward_sql(vendor: str) -> list[str]:
    return {"sqlite": _SQLITE_FORWARD, "postgresql": _POSTGRES_FORWARD}.get(vendor, [])


def backward_sql(vendor: str) -> list[str]:
    return {"sqlite": _SQLITE_BACKWARD, "postgresql": _POSTGRES_BACKWARD}.get(vendor, [])


def _table_exists(connection: BaseDatabaseWrapper, table: str) -> bool:
    with connection.cursor() as cursor:
        return table in connection.introspection.table_names(cursor)


def create_search_schema(connection: BaseDatabaseWrapper) -> None:
    """Create the vendor's full-text structures (idempotent; nothing before the index table exists)."""
    if not _table_exists(connection, INDEX_TABLE):
        return
    with connection.cursor() as cursor:
        for sql in forward_sql(connection.vendor):
            cursor.execute(sql)


def ensure_search_schema(sender: Any = None, using: str = "default", **kwargs: Any) -> None:
    """post_migrate receiver (connected in VoicesConfig.ready)."""
    create_search_schema(connections[using])


def rebuild_fts(connection: BaseDatabaseWrapper) -> None:
    """Re-read every index row into the FTS5 table (after bulk writes that bypassed the triggers)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


class CreateVoiceSearchSchema(Operation):
    """Migration operation: FTS5 table and triggers on SQLite, GIN index on PostgreSQL, nothing elsewhere."""

    reversible = True
    reduces_to_sql = True

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        pass  # no model state: the structures live beside the VoiceSearchIndex table

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        for sql in forward_sql(schema_editor.connection.vendor):
            schema_editor.execute(sql)

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        for sql in backward_sql(schema_editor.connection.vendor):
            schema_editor.execute(sql)

    def describe(self) -> str:
        return "Create the full-text index of voices (FTS5 on SQLite, GIN on PostgreSQL)"

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return (self.__class__.__qualname__, [], {})
