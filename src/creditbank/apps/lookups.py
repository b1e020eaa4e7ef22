"""Long lists of values in SQL: split so that no statement goes over a database's parameter limit
(SQLite builds allow as few as 32,766; PostgreSQL's protocol 65,535)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

IN_CHUNK = 5_000  # values per IN (...) list

T = TypeVar("T")


def chunked(values: Iterable[T], size: int = IN_CHUNK) -> Iterator[list[T]]:
    it = iter(values)
    while chunk := list(islice(it, size)):
        yield chunk
