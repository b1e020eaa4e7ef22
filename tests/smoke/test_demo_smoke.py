"""The README's first command, end to end: set up the demo on a fresh SQLite file, serve it,
and sign in with every printed login. If this fails, `make demo` is broken for newcomers."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.smoke
CLI = Path(sys.executable).with_name("creditbank")
EXPECTED_ROLES = {"learner", "institution", "assessor", "operator", "employer"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def read_logins(process: subprocess.Popen[str], deadline: float) -> dict[str, tuple[str, str]]:
    logins: dict[str, tuple[str, str]] = {}
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        if match := re.match(r"LOGIN role=(\S+) username=(\S+) password=(\S+)", line):
            logins[match[1]] = (match[2], match[3])
        if line.startswith("Open http"):
            return logins
    raise AssertionError(f"demo did not print its logins; got {logins}")


def wait_until_serving(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"demo server did not answer at {url}")


def sign_in(base: str, username: str, password: str) -> tuple[str, urllib.request.OpenerDirector]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("Accept-Language", "en")]
    opener.open(f"{base}/login/").read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    form = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(
        f"{base}/login/", data=form.encode(), headers={"Referer": f"{base}/login/"}
    )
    with opener.open(request) as response:
        assert response.url == f"{base}/", f"{username} was not signed in (ended at {response.url})"
        return str(response.read().decode()), opener


def test_demo_sets_up_serves_and_every_printed_login_works(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "creditbank.config.settings.dev",
        "CREDITBANK_VAR_DIR": str(tmp_path),
        "CREDITBANK_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [str(CLI), "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 180
        logins = read_logins(process, deadline)
        assert set(logins) == EXPECTED_ROLES
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(f"{base}/frameworks/", deadline)
        for role, (username, password) in logins.items():
            home, opener = sign_in(base, username, password)
            assert "Welcome" in home, role
            if role == "learner":  # the demo learner has a lifelong learning account to look at
                account = opener.open(f"{base}/account/me/").read().decode()
                assert "Learner number" in account
        with urllib.request.urlopen(f"{base}/api/v1/levels/map?level=HKQF:4&to=NZQF") as response:
            assert b"NZQF-5" in response.read()
    finally:
        process.terminate()
        process.wait(timeout=20)
