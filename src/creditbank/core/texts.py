"""Human-readable text in the product's three languages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LANGUAGES = ("en", "zh_hans", "zh_hant")


def language_key(language_code: str) -> str:
    """Map a Django/BCP 47 language code ('zh-hans', 'zh-Hant-HK', 'en-gb') to a text key."""
    code = language_code.lower().replace("_", "-")
    if code.startswith("zh"):
        return "zh_hant" if ("hant" in code or code in {"zh-hk", "zh-tw", "zh-mo"}) else "zh_hans"
    return "en"


@dataclass(frozen=True, slots=True)
class Text:
    en: str
    zh_hans: str
    zh_hant: str

    def get(self, language_code: str) -> str:
        return str(getattr(self, language_key(language_code)))

    def as_dict(self) -> dict[str, str]:
        return {"en": self.en, "zh_hans": self.zh_hans, "zh_hant": self.zh_hant}

    @classmethod
    def parse(cls, raw: Any, where: str, problems: list[str], *, required: bool = False) -> Text | None:
        """Read a mapping with all three languages; record what is wrong instead of raising."""
        if raw is None:
            if required:
                problems.append(f"{where}: required, with keys {', '.join(LANGUAGES)}")
            return None
        if isinstance(raw, str):
            problems.append(f"{where}: give a mapping with keys {', '.join(LANGUAGES)}, not a plain string")
            return None
        if not isinstance(raw, Mapping):
            problems.append(f"{where}: expected a mapping with keys {', '.join(LANGUAGES)}")
            return None
        missing = [k for k in LANGUAGES if not isinstance(raw.get(k), str) or not raw[k].strip()]
        if missing:
            problems.append(f"{where}: missing or empty text for {', '.join(missing)}")
            return None
        return cls(en=raw["en"].strip(), zh_hans=raw["zh_hans"].strip(), zh_hant=raw["zh_hant"].strip())
