"""Reads: the current registry of frameworks, credit systems and the referencing graph.

The whole registry is small (tens of frameworks, hundreds of correspondences) and read on every
level or credit question, so it is built once per process and rebuilt only when a cheap revision
fingerprint of the tables changes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from creditbank.apps.frameworks.models import (
    CorrespondenceRecord,
    CreditSystemRecord,
    FrameworkVersion,
    StudyRecord,
)
from creditbank.config.checks import option
from creditbank.core.credits import CreditSystem, RoundingMode, RoundingPolicy, parse_credit_system
from creditbank.core.errors import UnknownCreditSystem, UnknownFramework
from creditbank.core.frameworks import Framework, parse_framework
from creditbank.core.referencing import EdgeKind, ReferencingGraph, parse_correspondence, parse_study


@dataclass(frozen=True)
class Registry:
    frameworks: dict[str, Framework]
    credit_systems: dict[str, CreditSystem]
    graph: ReferencingGraph

    def framework(self, code: str) -> Framework:
        return self.graph.framework(code)

    def credit_system(self, code: str) -> CreditSystem:
        try:
            return self.credit_systems[code.strip().upper()]
        except KeyError:
            raise UnknownCreditSystem(code=code) from None

    def ordered_frameworks(self) -> list[Framework]:
        """Greater Bay Area and Chinese frameworks first, then meta-frameworks, then the rest."""
        first = {"GD": 0, "HK": 1, "MO": 2, "CN": 3}
        return sorted(
            self.frameworks.values(),
            key=lambda f: (first.get(f.region, 5 if not f.meta_framework else 4), f.code),
        )


_lock = threading.Lock()
_cache: dict[str, tuple[tuple[object, ...], Registry]] = {}


def _fingerprint() -> tuple[object, ...]:
    """What changes when reference data changes, read in one query (every page and verification
    asks; it was six queries). Table names come from the models, nothing from outside."""
    from django.db import connection

    name = {
        m: connection.ops.quote_name(m._meta.db_table)
        for m in (FrameworkVersion, CreditSystemRecord, CorrespondenceRecord, StudyRecord)
    }
    sizes = ", ".join(f"(SELECT COUNT(*) FROM {t}), (SELECT MAX(id) FROM {t})" for t in name.values())  # noqa: S608
    current = f"(SELECT MAX(id) FROM {name[FrameworkVersion]} WHERE is_current = %s)"  # noqa: S608
    updated = f"(SELECT MAX(updated_at) FROM {name[CreditSystemRecord]})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sizes}, {current}, {updated}", [True])
        return tuple(cursor.fetchone())


def registry() -> Registry:
    from django.db import connection

    key = connection.settings_dict["NAME"]
    fingerprint = _fingerprint()
    with _lock:
        cached = _cache.get(key)
        if cached and cached[0] == fingerprint:
            return cached[1]
    built = _build()
    with _lock:
        _cache[key] = (fingerprint, built)
    return built


def _build() -> Registry:
    frameworks = {
        v.code: parse_framework(v.document) for v in FrameworkVersion.objects.filter(is_current=True)
    }
    credit_systems = {r.code: parse_credit_system(r.document) for r in CreditSystemRecord.objects.all()}
    correspondences = tuple(
        parse_correspondence(r.document, EdgeKind(r.kind)) for r in CorrespondenceRecord.objects.all()
    )
    studies = tuple(parse_study(s.document) for s in StudyRecord.objects.all())
    graph = ReferencingGraph(frameworks, correspondences, studies)
    return Registry(frameworks, credit_systems, graph)


def framework_versions(code: str) -> list[FrameworkVersion]:
    versions = list(FrameworkVersion.objects.filter(code=code.upper()).order_by("-created_at", "-pk"))
    if not versions:
        raise UnknownFramework(code=code)
    return versions


def framework_at_edition(code: str, edition: str | None) -> Framework:
    """The current version, or an older edition kept readable."""
    if not edition:
        return registry().framework(code)
    version = FrameworkVersion.objects.filter(code=code.upper(), edition=edition).first()
    if version is None:
        framework_versions(code)  # raises UnknownFramework if the code itself is unknown
        raise UnknownFramework(code=f"{code.upper()} {edition}")
    return parse_framework(version.document)


def rounding_policy() -> RoundingPolicy:
    raw = option("CREDIT_ROUNDING")
    return RoundingPolicy(places=int(raw["places"]), mode=RoundingMode(raw["mode"]))
