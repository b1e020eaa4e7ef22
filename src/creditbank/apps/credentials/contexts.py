"""The JSON-LD contexts creditbank ships, read once: credentials are canonicalised with these only."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from creditbank.core.credentials.badges import OB_CONTEXT, VC_CONTEXT
from creditbank.core.credentials.records import CLR_CONTEXT, OB_EXTENSIONS_CONTEXT

FOLDER = Path(__file__).resolve().parents[2] / "data" / "contexts"
FILES = {
    VC_CONTEXT: "credentials-v2.jsonld",
    OB_CONTEXT: "ob-v3p0-context-3.0.3.json",
    CLR_CONTEXT: "clr-v2p0-context-2.0.1.json",
    OB_EXTENSIONS_CONTEXT: "ob-v3p0-extensions.json",
}


@functools.cache
def shipped() -> dict[str, Any]:
    return {url: json.loads((FOLDER / name).read_text(encoding="utf-8")) for url, name in FILES.items()}
