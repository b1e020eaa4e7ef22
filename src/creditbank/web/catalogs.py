"""Translation catalogs: compile .po to .mo with polib (no gettext binaries needed), and report gaps.

Run `python -m creditbank.web.catalogs compile` after editing a catalog (`make messages` does it).
"""

from __future__ import annotations

import sys
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
LANGUAGES = ("zh_Hans", "zh_Hant", "en")


def catalog_path(language: str, suffix: str = "po") -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"django.{suffix}"


def problems(language: str) -> list[str]:
    """Untranslated or fuzzy entries of one catalog."""
    import polib

    found = []
    for entry in polib.pofile(str(catalog_path(language))):
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            found.append(f"{language}: fuzzy: {entry.msgid!r}")
        elif not entry.translated():
            found.append(f"{language}: untranslated: {entry.msgid!r}")
    return found


def compile_all() -> None:
    import polib

    for language in LANGUAGES:
        polib.pofile(str(catalog_path(language))).save_as_mofile(str(catalog_path(language, "mo")))


if __name__ == "__main__":
    if sys.argv[1:] == ["compile"]:
        compile_all()
    else:
        gaps = [p for lang in LANGUAGES for p in problems(lang)]
        print("\n".join(gaps) or "All catalogs complete.")
        sys.exit(1 if gaps else 0)
