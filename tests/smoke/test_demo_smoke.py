"""The README's first command, end to end: set up the demo on a fresh SQLite file, serve it,
and sign in with every printed login. If this fails, `make demo` is broken for newcomers."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from tests.helpers import CLI

pytestmark = pytest.mark.smoke
EXPECTED_ROLES = {"learner", "institution", "assessor", "operator", "employer"}
HEADER = "learner_number,unit_code,achieved_on,result\n"
JARS: dict[str, http.cookiejar.CookieJar] = {}
GRADUATE: list[str] = []  # the username and password of the demo's graduate-to-be
SUBCENTRE: list[str] = []  # the Guangdong sub-centre's reviewer
ACTIVATION: list[str] = []  # learner number, code, identity number of one registered staff member
LINKS: list[tuple[str, str]] = []  # the credential and shared-record links the demo prints


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def read_logins(
    process: subprocess.Popen[str], deadline: float
) -> tuple[dict[str, tuple[str, str]], int | None]:
    logins: dict[str, tuple[str, str]] = {}
    worker_pid = None
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        if match := re.match(r"LOGIN role=(\S+) username=(\S+) password=(\S+)", line):
            logins[match[1]] = (match[2], match[3])
            if match[2] == "graduate":
                GRADUATE[:] = [match[2], match[3]]
            if match[2] == "subcentre":
                SUBCENTRE[:] = [match[2], match[3]]
        if match := re.match(r"ACTIVATE .*learner number (\S+), code (\S+), identity number (\S+) ", line):
            ACTIVATION.extend(match.groups())
        if match := re.match(r"(VERIFY|SHARED) (\S+)", line):
            LINKS.append((match[1], match[2]))
        if match := re.match(r"Background worker started \(pid (\d+)\)", line):
            worker_pid = int(match[1])
        if line.startswith("Open http"):
            return logins, worker_pid
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
    JARS[username] = jar
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


def upload(base: str, opener: urllib.request.OpenerDirector, jar_token: str, name: str, data: bytes) -> str:
    """POST a file to the deposits page as a browser does (multipart, with the CSRF token)."""
    boundary = "----creditbank-smoke"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{jar_token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"{base}/deposits/",
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": f"{base}/deposits/"},
    )
    with opener.open(request) as response:
        return str(response.url)


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
        logins, worker_pid = read_logins(process, deadline)
        assert set(logins) == EXPECTED_ROLES
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(f"{base}/frameworks/", deadline)
        for role, (username, password) in logins.items():
            home, opener = sign_in(base, username, password)
            assert "Welcome" in home, role
            if role == "learner":  # the demo learner has a lifelong learning account to look at
                account = opener.open(f"{base}/account/me/").read().decode()
                assert "Learner number" in account
                # The diploma scanned at the Foshan site's counter is on file and downloads.
                documents = json.loads(opener.open(f"{base}/api/v1/learners/me/documents").read())
                scan = opener.open(f"{base}{documents[0]['url']}").read()
                assert scan.startswith(b"%PDF-")
                # Their Guangdong outcomes transfer into a Hong Kong diploma, each use explained.
                what_if = opener.open(f"{base}/api/v1/learners/me/pathway?qualification=HKIPS-HD-SE")
                transfer = json.loads(what_if.read())["transfer"]
                assert {u["institution"] for u in transfer["uses"]} == {"sz-poly", "gba-skills"}
                assert any("HKIPS-SE4002" in u["counts_as"] for u in transfer["uses"])
                assert "at most 50%" in transfer["left_out"][0]["reasons"][0]["text"]
            if role == "institution":  # a large file goes to the demo's background worker
                token = next(c.value for c in JARS[username] if c.name == "csrftoken")
                rows = "".join(f"L{i:010d},SZP-SE-101,2024-01-01,A\n" for i in range(9000))
                job_url = upload(base, opener, token, "big.csv", f"{HEADER}{rows}".encode())
                assert re.search(r"/deposits/jobs/\d+/$", job_url), job_url
                while "Rejected: nothing stored" not in opener.open(job_url).read().decode():
                    assert time.monotonic() < deadline, "the background worker did not finish the job"
                    time.sleep(0.5)
        with urllib.request.urlopen(f"{base}/api/v1/levels/map?level=HKQF:4&to=NZQF") as response:
            assert b"NZQF-5" in response.read()
        with urllib.request.urlopen(f"{base}/api/v1/ledger/checkpoint") as response:
            checkpoint = json.loads(response.read())
        assert checkpoint["size"] > 800  # the demo's deposits, signed into the ledger
        assert checkpoint["note"].startswith("creditbank.localhost/ledger\n")
        assert (checkpoint["witnesses"], checkpoint["witnessed"]) == (["hk-ips.demo/witness"], True)
        # The graduate's record meets the software diploma: they apply for the award in its window.
        _home, opener = sign_in(base, *GRADUATE)
        token = next(c.value for c in JARS[GRADUATE[0]] if c.name == "csrftoken")
        request = urllib.request.Request(
            f"{base}/api/v1/awards",
            data=json.dumps({"qualification": "SZP-SE-DIP"}).encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": token, "Referer": f"{base}/"},
        )
        with opener.open(request) as response:
            applied = json.loads(response.read())
        assert applied["fee"]["due"] == "120.00"
        assert applied["audit"]["met"] is True
        # The walk-in account opened at the Foshan site's counter waits for the sub-centre's review.
        _home, opener = sign_in(base, *SUBCENTRE)
        waiting = json.loads(opener.open(f"{base}/api/v1/account-reviews").read())
        assert [(a["full_name"], a["level"], a["site"]) for a in waiting] == [("林嘉欣", 2, "fs-site")]
        # One of the 200 staff the demo enterprise registered activates their own account.
        number, code, id_number = ACTIVATION
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.open(f"{base}/account/activate/").read()
        token = next(c.value for c in jar if c.name == "csrftoken")
        form = {"learner_number": number, "code": code, "id_number": id_number, "username": "staff-smoke",
                "password": "a long smoke password 7", "password2": "a long smoke password 7", "csrfmiddlewaretoken": token}  # fmt: skip
        request = urllib.request.Request(
            f"{base}/account/activate/",
            data=urllib.parse.urlencode(form).encode(),
            headers={"Referer": f"{base}/account/activate/"},
        )
        with opener.open(request) as response:
            assert response.url == f"{base}/account/me/", response.url
        # An employer opens the demo learner's credentials (what their QR codes lead to) and the
        # record the learner shares, with no account: each is verified by the bank.
        assert {kind for kind, _url in LINKS} == {"VERIFY", "SHARED"}
        for _kind, url in LINKS:
            assert url.startswith(base), url  # the links lead to this demo, wherever it serves
            with urllib.request.urlopen(
                urllib.request.Request(url, headers={"Accept-Language": "en"})
            ) as page:
                text = page.read().decode()
            assert "Not verified" not in text
            assert "Verified" in text
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert worker_pid is not None
    with pytest.raises(ProcessLookupError):  # stopping the demo stops its worker too
        os.kill(worker_pid, 0)
