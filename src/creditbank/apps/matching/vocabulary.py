"""The shipped skill vocabulary and occupations (``data/skills/``), read (and tokenised) once per process."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from creditbank.apps.matching.text import label_tokens
from creditbank.core.matching import Occupation, Vocabulary, vocabulary_build

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "skills" / "esco-skills.yaml"
OCCUPATIONS = SHIPPED.with_name("esco-occupations.yaml")


@functools.cache
def vocabulary() -> Vocabulary:
    with SHIPPED.open(encoding="utf-8") as handle:
        doc = yaml.safe_load(handle)
    return vocabulary_build(doc["skills"], label_tokens)


@functools.cache
def occupations() -> tuple[Occupation, ...]:
    """The shipped occupations, each with the skills it needs (essential) and those that help."""
    with OCCUPATIONS.open(encoding="utf-8") as handle:
        doc = yaml.safe_load(handle)
    return tuple(
        Occupation(
            o["uri"],
            o["sector"],
            o["en"],
            o["zh"],
            frozenset(o["essential"]),
            frozenset(o.get("optional") or ()),
        )
        for o in doc["occupations"]
    )
