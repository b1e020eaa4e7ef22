"""Benchmark: the public verification endpoint under concurrent load.

A bank is set up (the demo's institutions, register and learners) and one of its outcomes is issued
as a credential in each cryptosuite. The application is then served as in production: gunicorn with
one worker process per core and the production settings, behind a TLS proxy (the load generator
sends ``X-Forwarded-Proto: https`` as the proxy would). A bounded load generator on this machine
(it refuses any host but 127.0.0.1) posts a credential to ``POST /api/v1/verify`` from C concurrent
keep-alive connections for a fixed time, for C = 1, 4 and 16; every answer must be 200 and say
verified. Reported: requests/s and latency p50/p99 per suite and concurrency.

The limit: the same verification called in-process (no HTTP, no Django request) on one core, times
the number of workers; the ratio says what serving costs. Load generator and server share this
machine's cores, so the served rate is a lower bound.

Run:   .venv/bin/python bench/verify_load.py [--seconds 8] [--database-url …_bench] [--record]
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from _common import arguments, database, ms, record, title

HOST = "127.0.0.1"  # the only host this load generator will load
CONCURRENCY = (1, 4, 16)
SUITES = ("eddsa-jcs-2022", "eddsa-rdfc-2022")


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument(
        "--seconds", type=float, default=8.0, help="load per suite and concurrency (default 8)"
    )
    args = parser.parse_args()
    with database(args.database_url) as var:
        lines = run(args.seconds, var)
    record(lines, args.record)


def step(text: str) -> None:
    print(f"… {text}", file=sys.stderr, flush=True)


def run(seconds: float, var: str) -> list[str]:
    import django

    django.setup()
    from _common import empty_schema
    from django.conf import settings
    from django.db import connection

    from creditbank.apps.accounts.models import User
    from creditbank.apps.credentials.services import credential_issue
    from creditbank.apps.credentials.verify import credential_verify
    from creditbank.apps.deposits.models import LearningOutcome
    from creditbank.apps.frameworks.services import reference_data_load
    from creditbank.demo import demo_bank_load

    step("a bank and its credentials")
    empty_schema()
    reference_data_load()
    demo_bank_load()
    operator = User.objects.get(username="operator")
    outcome = LearningOutcome.objects.filter(institution__code="sz-poly").order_by("pk").first()
    assert outcome is not None
    documents = {
        suite: credential_issue(actor=operator, outcome_id=outcome.pk, suite=suite, language="en").document
        for suite in SUITES
    }
    limits = {}
    for suite, document in documents.items():
        assert credential_verify(document, language="en").verification.verified
        limits[suite] = _in_process_rate(lambda d=document: credential_verify(d, language="en"))
    connection.close()

    workers = os.cpu_count() or 1
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "creditbank.config.settings.prod",
        "CREDITBANK_SECRET_KEY": settings.SECRET_KEY,
        "CREDITBANK_DATA_KEY": settings.CREDITBANK_DATA_KEY,
        "CREDITBANK_ALLOWED_HOSTS": HOST,
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn),
        "creditbank.config.wsgi",
        "-w",
        str(workers),
        "-b",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=env, cwd=var)  # noqa: S603 (our own server)
    lines = [
        *title(
            "verify_load", f"{connection.vendor} · gunicorn, {workers} sync workers · {seconds:.0f} s a run"
        )
    ]
    try:
        _wait_until_serving(port, documents[SUITES[0]])
        for document in documents.values():  # every worker past its first requests, in both suites
            load(port, json.dumps(document).encode(), 2 * workers, 2.0)
        lines += [
            "",
            "| suite | concurrent clients | requests/s | p50 | p99 | limit: in-process verifications/s × workers | ratio |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for suite, document in documents.items():
            body = json.dumps(document).encode()
            for clients in CONCURRENCY:
                step(f"{suite}, {clients} concurrent clients")
                rate, latencies = load(port, body, clients, seconds)
                limit = limits[suite] * workers
                lines.append(
                    f"| {suite} | {clients} | {rate:,.0f} | {ms(latencies, 50):.1f} ms | {ms(latencies, 99):.1f} ms"
                    f" | {limit:,.0f} | {rate / limit:.2f} |"
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return lines


def load(port: int, body: bytes, clients: int, seconds: float) -> tuple[float, list[float]]:
    """``clients`` threads, each on its own keep-alive connection, posting until the time is up;
    returns requests per second and every request's latency. Any answer but 200 and verified stops it."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[str] = []
    deadline = time.perf_counter() + seconds

    def client(mine: list[float]) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        headers = {"Content-Type": "application/json", "X-Forwarded-Proto": "https", "Accept-Language": "en"}
        while time.perf_counter() < deadline and not errors:
            start = time.perf_counter()
            conn.request("POST", "/api/v1/verify", body=body, headers=headers)
            answer = conn.getresponse()
            data = answer.read()
            mine.append(time.perf_counter() - start)
            if answer.status != 200 or not json.loads(data).get("verified"):
                errors.append(f"{answer.status}: {data[:200]!r}")
        conn.close()

    threads = [threading.Thread(target=client, args=(mine,)) for mine in latencies]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise SystemExit(f"the endpoint answered {errors[0]}")
    every = [x for mine in latencies for x in mine]
    return len(every) / elapsed, every


def _in_process_rate(verify: Any, seconds: float = 3.0) -> float:
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        verify()
        count += 1
    return count / (time.perf_counter() - start)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _wait_until_serving(port: int, document: dict[str, Any], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            rate, _ = load(port, json.dumps(document).encode(), 1, 0.5)
            if rate:
                return
        except (ConnectionError, OSError):
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer on {HOST}:{port}")


if __name__ == "__main__":
    main()
