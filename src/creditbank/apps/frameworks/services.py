"""Writes for frameworks: publishing versions, and loading the reference data shipped with creditbank."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from creditbank.apps.accounts.models import User
from creditbank.apps.accounts.permissions import Action, require
from creditbank.apps.frameworks.models import (
    CorrespondenceRecord,
    CreditSystemRecord,
    FrameworkVersion,
    Origin,
    StudyRecord,
)
from creditbank.apps.ledger.services import Event, ledger_append
from creditbank.core.credits import parse_credit_system
from creditbank.core.errors import InvalidFrameworkDocument, InvalidInput, VersionExists, gettext_noop
from creditbank.core.frameworks import Framework, parse_framework
from creditbank.core.referencing import EdgeKind, check_levels_exist, parse_correspondence, parse_study

SHIPPED_DIR = Path(__file__).resolve().parents[2] / "data" / "frameworks"


def content_hash(document: Mapping[str, Any]) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class PublishResult:
    framework: Framework
    created: bool  # False when the identical edition was already published (idempotent re-send)


def read_framework_document(text: str) -> dict[str, Any]:
    """Parse YAML or JSON text into a document; a clear error rather than a parser trace."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise InvalidFrameworkDocument(problems=f"not valid YAML or JSON{where}") from None
    if not isinstance(doc, dict):
        raise InvalidFrameworkDocument(problems="the document must be a mapping with code, edition, levels…")
    return doc


def framework_check(document: Mapping[str, Any]) -> tuple[Framework, dict[str, Any], str]:
    """Everything publishing would refuse, checked without writing.

    Returns the parsed framework, the normalised document and its content hash.
    """
    framework = parse_framework(document)
    doc = dict(document)
    doc["code"] = framework.code
    if (
        framework.credit_system
        and not CreditSystemRecord.objects.filter(code=framework.credit_system).exists()
    ):
        raise InvalidFrameworkDocument(problems=f"credit_system: no credit system {framework.credit_system}")
    digest = content_hash(doc)
    stored = FrameworkVersion.objects.filter(code=framework.code, edition=framework.edition).first()
    if stored is not None and stored.content_hash != digest:
        raise VersionExists(code=framework.code, edition=framework.edition)
    return framework, doc, digest


def framework_publish(
    *, actor: User | None, document: Mapping[str, Any], origin: str = Origin.OPERATOR, note: str = ""
) -> PublishResult:
    """Publish a framework or a new version of one; the previous version stays readable.

    ``actor=None`` is only for loading the reference data shipped with creditbank.
    """
    if actor is not None or origin != Origin.SHIPPED:
        require(actor, Action.PUBLISH_FRAMEWORK)
    framework, doc, digest = framework_check(document)
    with transaction.atomic():
        existing = (
            FrameworkVersion.objects.select_for_update()
            .filter(code=framework.code, edition=framework.edition)
            .first()
        )
        if existing is not None:
            if existing.content_hash != digest:
                raise VersionExists(code=framework.code, edition=framework.edition)
            return PublishResult(framework, created=False)
        FrameworkVersion.objects.filter(code=framework.code, is_current=True).update(is_current=False)
        FrameworkVersion.objects.create(
            code=framework.code,
            edition=framework.edition,
            document=doc,
            content_hash=digest,
            is_current=True,
            origin=origin,
            note=note,
            created_by=actor,
        )
        ledger_append(
            [
                Event(
                    "framework.published",
                    f"framework:{framework.code}",
                    {
                        "code": framework.code,
                        "edition": framework.edition,
                        "content_hash": digest,
                        "origin": origin,
                    },
                )
            ]
        )
    return PublishResult(framework, created=True)


@dataclass(frozen=True)
class LoadSummary:
    frameworks_created: int
    credit_systems: int
    correspondences: int
    studies: int


def reference_data_load(directory: Path = SHIPPED_DIR) -> LoadSummary:
    """Load the shipped frameworks, credit systems and referencing; safe to run again.

    A shipped framework whose edition is already stored is left alone, so operators' newer
    versions are never overwritten by an upgrade.
    """
    systems_doc = _read_yaml(directory / "credit_systems.yaml")
    referencing_doc = _read_yaml(directory / "referencing.yaml")
    framework_docs = [
        _read_yaml(path)
        for path in sorted(directory.glob("*.yaml"))
        if path.name not in {"credit_systems.yaml", "referencing.yaml"}
    ]
    with transaction.atomic():
        for raw in systems_doc["systems"]:
            system = parse_credit_system(raw)
            CreditSystemRecord.objects.update_or_create(
                code=system.code, defaults={"document": raw, "content_hash": content_hash(raw)}
            )
        created = sum(
            framework_publish(actor=None, document=doc, origin=Origin.SHIPPED).created
            for doc in framework_docs
        )
        frameworks = {f.code: f for f in (parse_framework(d) for d in framework_docs)}
        items = [
            (raw, parse_correspondence(raw, EdgeKind.PUBLISHED))
            for raw in referencing_doc.get("correspondences") or []
        ] + [
            (raw, parse_correspondence(raw, EdgeKind.PROGRAMME_ALIGNMENT))
            for raw in referencing_doc.get("programme_alignments") or []
        ]
        check_levels_exist([c for _, c in items], frameworks)
        for raw, corr in items:
            correspondence_store(raw, corr.kind.value, corr.source.framework, corr.target.framework)
        for raw in referencing_doc.get("studies") or []:
            study = parse_study(raw)
            StudyRecord.objects.update_or_create(
                frameworks="+".join(study.frameworks), defaults={"document": raw}
            )
    return LoadSummary(
        created, len(systems_doc["systems"]), len(items), len(referencing_doc.get("studies") or [])
    )


def correspondence_store(raw: Mapping[str, Any], kind: str, source: str, target: str) -> CorrespondenceRecord:
    record, _ = CorrespondenceRecord.objects.update_or_create(
        ident=str(raw["id"]),
        defaults={
            "kind": kind,
            "source_framework": source,
            "target_framework": target,
            "document": dict(raw),
            "content_hash": content_hash(raw),
        },
    )
    return record


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidInput(
            gettext_noop("Reference data file %(file)s cannot be read: %(problem)s"),
            file=path.name,
            problem=str(exc),
        ) from None
    if not isinstance(doc, dict):
        raise InvalidInput(gettext_noop("Reference data file %(file)s is not a mapping."), file=path.name)
    return doc
