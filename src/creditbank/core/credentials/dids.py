"""did:web identifiers and DID documents listing Ed25519 Multikey verification methods.

``did:web:<host>`` names the document served at ``https://<host>/.well-known/did.json``; a port is
written percent-encoded (``example.org%3A8443``) and a path as colon-separated segments, as the
did:web method specification says.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, unquote

from creditbank.core.credentials.multikey import InvalidKey, public_multikey

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"


def did_web(domain: str) -> str:
    """``did:web`` for a host (``bank.example`` or ``bank.example:8443``), optionally with a path."""
    host, _, path = domain.strip().strip("/").partition("/")
    segments = [quote(host, safe="")] + [quote(p, safe="") for p in path.split("/") if p]
    return "did:web:" + ":".join(segments)


def did_web_domain(did: str) -> str:
    """The host (and path) a did:web names: the inverse of ``did_web``."""
    if not did.startswith("did:web:") or len(did) == len("did:web:"):
        raise InvalidKey(key=did[:24], kind="public", reason="not a did:web identifier")
    host, *path = did.removeprefix("did:web:").split("#", 1)[0].split(":")
    return "/".join([unquote(host), *(unquote(p) for p in path)])


def did_document(did: str, public_keys: Iterable[bytes]) -> dict[str, Any]:
    """A DID document whose verification methods (``<did>#<multikey>``) may sign assertions."""
    methods = [
        {
            "id": f"{did}#{public_multikey(k)}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": public_multikey(k),
        }
        for k in public_keys
    ]
    ids = [m["id"] for m in methods]
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }
