"""Shared fixtures for the pure-core unit tests: the shipped reference data and document builders.

Nothing here touches Django or a database; the shipped YAML is read once per session.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import creditbank
from creditbank.core.credits import CreditSystem, parse_credit_system
from creditbank.core.frameworks import Framework, parse_framework
from creditbank.core.referencing import (
    Correspondence,
    EdgeKind,
    ReferencingGraph,
    Study,
    parse_correspondence,
    parse_study,
)

DATA_DIR = Path(creditbank.__file__).parent / "data" / "frameworks"
NOT_FRAMEWORKS = {"credit_systems.yaml", "referencing.yaml"}


def text(en: str) -> dict[str, str]:
    """A complete three-language text whose Chinese versions differ from the English one."""
    return {"en": en, "zh_hans": f"简 {en}", "zh_hant": f"繁 {en}"}


def level_number(rank: int, n_levels: int, order: str) -> int:
    """The framework's own number for a rank: equal to it when ascending, inverted when descending."""
    return rank if order == "ascending" else n_levels + 1 - rank


def build_framework_doc(
    code: str,
    n_levels: int,
    *,
    order: str = "ascending",
    meta: bool = False,
    numbered: bool = True,
) -> dict[str, Any]:
    """A valid framework document in the shipped YAML shape, with levels keyed by their own number."""
    levels = []
    for rank in range(1, n_levels + 1):
        number = level_number(rank, n_levels, order)
        key = str(number)
        levels.append(
            {
                "id": f"{code}-{key}",
                "key": key,
                "number": number if numbered else None,
                "rank": rank,
                "label": text(f"Level {key}"),
                "summary": text(f"What level {key} means"),
                "typical_qualifications": [text("Certificate")],
            }
        )
    return {
        "code": code,
        "edition": "2026-11",
        "name": text(f"{code} framework"),
        "short_name": text(code),
        "jurisdiction": text("Somewhere"),
        "region": "XX",
        "kind": "meta" if meta else "national",
        "meta_framework": meta,
        "status": "in_force",
        "order": order,
        "order_confidence": "high",
        "domains": [{"key": "knowledge", "name": text("Knowledge")}],
        "levels": levels,
        "credit_system": None,
        "summary_confidence": "medium",
        "notes": None,
        "sources": ["https://example.org/framework"],
        "confidence": "high",
    }


@pytest.fixture(scope="session")
def make_framework_doc() -> Callable[..., dict[str, Any]]:
    return build_framework_doc


@pytest.fixture(scope="session")
def make_text() -> Callable[[str], dict[str, str]]:
    return text


@pytest.fixture(scope="session")
def shipped_framework_docs() -> dict[str, dict[str, Any]]:
    """Every shipped framework document, keyed by its file name without .yaml."""
    return {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted(DATA_DIR.glob("*.yaml"))
        if path.name not in NOT_FRAMEWORKS
    }


@pytest.fixture(scope="session")
def shipped_frameworks(shipped_framework_docs: dict[str, dict[str, Any]]) -> dict[str, Framework]:
    frameworks = (parse_framework(doc) for doc in shipped_framework_docs.values())
    return {fw.code: fw for fw in frameworks}


@pytest.fixture(scope="session")
def shipped_referencing_doc() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((DATA_DIR / "referencing.yaml").read_text(encoding="utf-8"))
    return doc


@pytest.fixture(scope="session")
def shipped_correspondences(shipped_referencing_doc: dict[str, Any]) -> tuple[Correspondence, ...]:
    published = (
        parse_correspondence(doc, EdgeKind.PUBLISHED) for doc in shipped_referencing_doc["correspondences"]
    )
    programme = (
        parse_correspondence(doc, EdgeKind.PROGRAMME_ALIGNMENT)
        for doc in shipped_referencing_doc["programme_alignments"]
    )
    return (*published, *programme)


@pytest.fixture(scope="session")
def shipped_studies(shipped_referencing_doc: dict[str, Any]) -> tuple[Study, ...]:
    return tuple(parse_study(doc) for doc in shipped_referencing_doc.get("studies") or ())


@pytest.fixture(scope="session")
def shipped_graph(
    shipped_frameworks: dict[str, Framework],
    shipped_correspondences: tuple[Correspondence, ...],
    shipped_studies: tuple[Study, ...],
) -> ReferencingGraph:
    return ReferencingGraph(shipped_frameworks, shipped_correspondences, shipped_studies)


@pytest.fixture(scope="session")
def shipped_credit_systems_doc() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load((DATA_DIR / "credit_systems.yaml").read_text(encoding="utf-8"))
    return doc


@pytest.fixture(scope="session")
def shipped_credit_systems(shipped_credit_systems_doc: dict[str, Any]) -> dict[str, CreditSystem]:
    systems = (parse_credit_system(doc) for doc in shipped_credit_systems_doc["systems"])
    return {system.code: system for system in systems}
