"""Development secrets: generated once per checkout and kept out of version control."""

from __future__ import annotations

import base64
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


def ensure_data_key(var_dir: Path) -> str:
    """A 32-byte data key for encrypting personal identifiers in development and the demo."""
    path = var_dir / "data_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
    path.write_text(key)
    path.chmod(0o600)
    return key
