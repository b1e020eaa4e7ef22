"""Digital Bazaar's Verifiable Credentials libraries, run under Node.js, as an independent implementation.

``dbvc.mjs`` beside this file does the work (see its header); this module finds ``node`` and the
installed npm packages, says exactly what is missing when they are not there, and sends JSON batches to
the script, one process per batch. The interoperability tests use it, and a benchmark can too::

    from tests.interop.digital_bazaar import locate
    rate = locate().bench_verify(credential, seconds=5)["per_second"]
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

INTEROP_DIR = Path(__file__).resolve().parent
SCRIPT = INTEROP_DIR / "dbvc.mjs"
NODE_MODULES = INTEROP_DIR / "node_modules"
MIN_NODE_MAJOR = 18
INSTALL = "run `npm ci --no-audit --no-fund` in tests/interop"


class Unavailable(RuntimeError):
    """Node.js or the pinned npm packages are not installed as tests/interop/package.json says."""


class ScriptError(RuntimeError):
    """dbvc.mjs failed on an input."""


def _node() -> tuple[str, str]:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        raise Unavailable(
            f"Node.js {MIN_NODE_MAJOR} or later is needed for the Digital Bazaar interoperability tests and "
            f"`node` is not on PATH: install it (Debian: `apt-get install nodejs npm`), then {INSTALL}."
        )
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    match = re.fullmatch(r"v(\d+)\..*", version)
    if match is None or int(match[1]) < MIN_NODE_MAJOR:
        raise Unavailable(f"{node} is Node.js {version}; the pinned packages need {MIN_NODE_MAJOR} or later.")
    return node, version


def _installed_versions() -> dict[str, str]:
    """The version of each package that package.json pins, as installed; fails if any is missing or stale."""
    pins: dict[str, str] = json.loads((INTEROP_DIR / "package.json").read_text(encoding="utf-8"))[
        "dependencies"
    ]
    if not NODE_MODULES.is_dir():
        raise Unavailable(f"tests/interop/node_modules is missing: {INSTALL}.")
    installed = {}
    for name, pinned in pins.items():
        manifest = NODE_MODULES / name / "package.json"
        if not manifest.is_file():
            raise Unavailable(f"{name} is not installed in tests/interop/node_modules: {INSTALL}.")
        version = json.loads(manifest.read_text(encoding="utf-8"))["version"]
        if version != pinned:
            raise Unavailable(
                f"tests/interop/node_modules has {name} {version}, but package.json pins {pinned}: {INSTALL}."
            )
        installed[name] = version
    return installed


@dataclass(frozen=True)
class DigitalBazaar:
    node: str
    node_version: str
    packages: dict[str, str]

    def run(self, command: str, payload: Any, *, timeout: float = 120) -> Any:
        """One dbvc.mjs command on one input, or on a list of inputs (a batch, one process)."""
        done = subprocess.run(
            [self.node, str(SCRIPT), command],
            input=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            cwd=INTEROP_DIR,
            check=False,
        )
        if done.returncode != 0:
            raise ScriptError(f"dbvc.mjs {command} exited {done.returncode}: {done.stderr.decode().strip()}")
        return json.loads(done.stdout)

    def _batch(self, command: str, items: Sequence[Any]) -> list[Any]:
        answers: list[Any] = self.run(command, list(items))
        for item, answer in zip(items, answers, strict=True):
            if isinstance(answer, dict) and set(answer) == {"error"}:
                raise ScriptError(f"dbvc.mjs {command} failed on {str(item)[:200]}: {answer['error']}")
        return answers

    def verify(
        self, credentials: Sequence[dict[str, Any]], *, status_lists: dict[str, dict[str, Any]] | None = None
    ) -> list[dict[str, Any]]:
        """Each credential's ``{verified, errors}`` from @digitalbazaar/vc's verifyCredential; with
        ``status_lists`` (URL -> status list credential) its status is checked by
        @digitalbazaar/vc-bitstring-status-list against those lists."""
        extra = {"status_lists": status_lists} if status_lists is not None else {}
        return self._batch("verify", [{"credential": c, **extra} for c in credentials])

    def issue(self, requests: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each request (``{credential, seed_hex, suite, created}``) signed with @digitalbazaar/vc's issue."""
        return self._batch("issue", requests)

    def canonize(self, documents: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
        """Each document's RDFC-1.0 N-Quads: ``nquads`` from jsonld.canonize, ``signed_nquads`` from the
        eddsa-rdfc-2022 cryptosuite (what its signature covers)."""
        return self._batch("canonize", [{"document": d} for d in documents])

    def bench_verify(
        self, credential: dict[str, Any], *, seconds: float | None = None, count: int | None = None
    ) -> dict[str, Any]:
        """How fast Digital Bazaar verifies the credential, in one process: ``{count, seconds, per_second}``."""
        payload: dict[str, Any] = {"credential": credential}
        if seconds is not None:
            payload["seconds"] = seconds
        if count is not None:
            payload["count"] = count
        answer: dict[str, Any] = self.run("bench-verify", payload, timeout=max(120, 2 * (seconds or 0) + 60))
        return answer


def locate() -> DigitalBazaar:
    """Node.js and the installed, pinned packages, or ``Unavailable`` saying what to install."""
    node, version = _node()
    return DigitalBazaar(node, version, _installed_versions())
