"""Database settings from a URL: SQLite (WAL, immediate transactions) by default, PostgreSQL in production."""

from __future__ import annotations

from typing import Any

import dj_database_url


def database_from_url(url: str) -> dict[str, Any]:
    # Connections are kept per server thread for a minute (CONN_MAX_AGE): opening one costs a round of
    # authentication on PostgreSQL, and on SQLite re-reading the schema and the pragmas below, which
    # was most of what a small write request cost. No health check before each request (Django's
    # default): it is a round trip on every request, a tenth of an intake POST's time. A connection
    # broken by a database restart fails the one request that finds it and is then replaced
    # (docs/deploy.md); API clients retry with their Idempotency-Key.
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at BEGIN so
        # two writers never deadlock on a lock upgrade.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return config
