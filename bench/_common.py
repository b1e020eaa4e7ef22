"""What the benchmarks share: their database (a new SQLite file in a temporary directory, or a
PostgreSQL database named *_bench, emptied first), the line that names the machine, and appending
results to RESULTS.md. ``make bench`` runs every ``bench/*.py`` except this one."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).with_name("RESULTS.md")


def arguments(doc: str | None) -> argparse.ArgumentParser:
    """A parser with the options every benchmark takes: --database-url and --record."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument(
        "--database-url",
        default="",
        help="default: SQLite in a temp dir; PostgreSQL: a *_bench database (emptied)",
    )
    parser.add_argument("--record", action="store_true", help="append the results to bench/RESULTS.md")
    return parser


def create_postgres_database(url: str) -> None:
    """The bench empties its database, so it only ever uses one named *_bench, made if missing."""
    import psycopg

    server, name = url.rsplit("/", 1)
    if not name.endswith("_bench"):
        raise SystemExit(f"refusing to empty database {name!r}: name a database ending in _bench")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


@contextmanager
def database(url: str) -> Iterator[str]:
    """Django's environment for a benchmark's own database (settings, data directory); yields the
    data directory. Django is set up by the caller, after this."""
    if url.startswith("postgres"):
        create_postgres_database(url)
        # The data directory holds the bank's generated keys (identity index, encryption), so it
        # lives as long as the database: a later run can resume the same bank (--resume).
        var = Path(__file__).resolve().parents[1] / "var" / "bench" / url.rsplit("/", 1)[1]
        var.mkdir(parents=True, exist_ok=True)
        _environment(str(var), url)
        yield str(var)
        return
    with tempfile.TemporaryDirectory(prefix="creditbank-bench-") as temporary:
        _environment(temporary, f"sqlite:///{temporary}/bench.sqlite3")
        yield temporary


def _environment(var: str, url: str) -> None:
    os.environ["CREDITBANK_VAR_DIR"] = var
    os.environ["DJANGO_SETTINGS_MODULE"] = "creditbank.config.settings.dev"
    os.environ["CREDITBANK_DATABASE_URL"] = url


def empty_schema() -> None:
    """Django set up: an empty, migrated database (PostgreSQL's schema dropped first)."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", interactive=False, verbosity=0)


def fresh_bank() -> Any:
    """Django set up: an empty bank with the shipped reference data and an operator, returned."""
    from creditbank.apps.accounts.models import User
    from creditbank.apps.frameworks.services import reference_data_load

    empty_schema()
    reference_data_load()
    return User.objects.create_user("operator", role="operator")


def existing_bank() -> Any:
    """Django set up: the bank already in the benchmark's database (migrated to this version), and
    its operator; an empty bank if there is none."""
    from django.core.management import call_command

    from creditbank.apps.accounts.models import User

    call_command("migrate", interactive=False, verbosity=0)
    operator = User.objects.filter(username="operator", role="operator").first()
    return operator if operator is not None else fresh_bank()


def analyse() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL), as an operator would run."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def title(name: str, detail: str) -> list[str]:
    """The heading of a result and the line that names the machine."""
    return [
        f"## {name} · {time.strftime('%Y-%m-%d', time.gmtime())} UTC · {detail}",
        f"- machine: {platform.node()} · {platform.processor() or platform.machine()} · {os.cpu_count()} cores,"
        f" Python {platform.python_version()}",
    ]


def record(lines: list[str], enabled: bool) -> None:
    print("\n".join(lines))
    if enabled:
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n\n")


def best_rate(work: Any, count: int, rounds: int = 3) -> float:
    """Items per second, the best of a few rounds (the machine's noise only ever slows a round)."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return count / best


def ms(values: list[float], percentile: int) -> float:
    return statistics.quantiles(values, n=100)[percentile - 1] * 1000
