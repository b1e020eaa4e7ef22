"""The shipped skill vocabulary (``data/skills/esco-skills.yaml``), read and tokenised once per process."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from creditbank.apps.matching.text import label_tokens
from creditbank.core.matching import Vocabulary, vocabulary_build

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "skills" / "esco-skills.yaml"


@functools.cache
def vocabulary() -> Vocabulary:
    with SHIPPED.open(encoding="utf-8") as handle:
        doc = yaml.safe_load(handle)
    return vocabulary_build(doc["skills"], label_tokens)


@functools.cache
def source() -> tuple[str, str]:
    """(source, version) of the shipped vocabulary, as its file states."""
    with SHIPPED.open(encoding="utf-8") as handle:
        doc = yaml.safe_load(handle)
    return str(doc.get("source", "")), str(doc.get("version", ""))
