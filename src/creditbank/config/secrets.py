"""Development secrets: generated once per checkout and kept out of version control."""

from __future__ import annotations

import secrets
from pathlib import Path


def ensure_secret_key(var_dir: Path) -> str:
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key
