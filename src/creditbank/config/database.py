"""Read a database URL (sqlite:///path, postgres://user:pass@host:port/name) into Django settings."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit


def database_from_url(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        name = unquote(parts.path[1:]) if parts.path.startswith("/") else unquote(parts.path)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name or ":memory:",
            # WAL lets the demo server read while a command writes; a busy timeout avoids spurious locks.
            "OPTIONS": {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
            if name not in ("", ":memory:")
            else {},
        }
    if parts.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")) or "creditbank",
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": dict(parse_qsl(parts.query)),
            "CONN_MAX_AGE": 60,
        }
    raise ValueError(f"Unsupported database URL scheme {parts.scheme!r}: use sqlite:/// or postgres://")
