"""Every user-facing string is translated in zh-Hans, zh-Hant and en, and the compiled catalogs match."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from creditbank.web.catalogs import LANGUAGES, catalog_path, problems

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "creditbank"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete(language: str) -> None:
    assert problems(language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_matches_the_source(language: str) -> None:
    compiled = gettext.GNUTranslations(catalog_path(language, "mo").open("rb"))
    for entry in polib.pofile(str(catalog_path(language))):
        if entry.obsolete or entry.msgid_plural:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        assert compiled._catalog.get(key) == entry.msgstr, entry.msgid  # type: ignore[attr-defined]


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="needs gettext's xgettext (Debian package gettext)"
)
def test_catalogs_hold_every_string_in_the_source(tmp_path: Path) -> None:
    """makemessages on a copy of the package finds no message id the catalogs lack."""
    copy = tmp_path / "creditbank"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "creditbank.config.settings.test"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-location",
            "--ignore",
            "migrations/*",
        ],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = {
        e.msgid for e in polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po")) if not e.obsolete
    }
    shipped = {e.msgid for e in polib.pofile(str(catalog_path("zh_Hans"))) if not e.obsolete}
    assert sorted(fresh - shipped) == []
