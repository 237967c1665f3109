"""Shared pieces of the benchmarks: a PostgreSQL database of their own, a real Daphne server,
timing helpers. Benchmarks print figures; they are not tests."""
from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import django
import psycopg2

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_BASE = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def database_url(name: str) -> str:
    return f"{PG_BASE}/{name}"


def bench_database(default: str) -> str:
    """The bench database's name: the one ``DATABASE_URL`` names if set (its server then
    replaces ``BENCH_PG``), else ``default``. The bench drops and recreates it."""
    global PG_BASE
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return default
    parts = urlsplit(url)
    PG_BASE = urlunsplit(parts._replace(path="", query="", fragment=""))
    return parts.path.lstrip("/") or default


def ensure_database(name: str) -> str:
    """Create the bench database if missing and migrate it; return its URL."""
    conn = psycopg2.connect(database_url("postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    url = database_url(name)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True,
                   env={**os.environ, "DATABASE_URL": url})
    return url


PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "bench-" + "x" * 50, "SECURE_SSL_REDIRECT": "0",
              "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0"}
"""The settings a deployment runs with (DEBUG off: no query log, no debug cursor), over plain
HTTP on loopback."""


def setup_django(url: str, redis_url: str | None = None, *, production: bool = False) -> None:
    """Django in this process on database ``url``; ``production``: with the settings of
    ``PRODUCTION``, as the servers the bench starts with it."""
    os.environ["DATABASE_URL"] = url
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
    if production:   # the same SECRET_KEY as the servers: sessions made here work there
        os.environ.update(PRODUCTION)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]




@contextlib.contextmanager
def daphne(env: dict, port: int | None = None, *, verbosity: int = 1, production: bool = False):
    """A real Daphne process on 127.0.0.1; yields (port, Popen). Its log goes to a file (a
    pipe nobody reads would fill up and stall the server once a thousand connections have been
    logged)."""
    port = port or free_port()
    log_path = f"/tmp/bench-daphne-{port}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [str(Path(PYTHON).parent / "daphne"), "-v", str(verbosity), "-b", "127.0.0.1",
             "-p", str(port), "marketplace.asgi:application"],
            cwd=ROOT, env={**os.environ, **(PRODUCTION if production else {"DEBUG": "1"}), **env},
            stdout=log, stderr=log,
        )
        try:
            wait_listening(port, proc, log_path)
            yield port, proc
        finally:
            stop_process(proc)


def wait_listening(port: int, proc, log_path: str) -> None:
    """Wait until the server ``proc`` accepts connections on ``port`` (at most a minute)."""
    deadline = time.time() + 60
    while time.time() < deadline:
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited; see {log_path}")
        time.sleep(0.2)
    raise RuntimeError(f"the server did not listen on {port}; see {log_path}")


def stop_process(proc) -> None:
    """Terminate a server process, killing it if it has not ended within 10 s."""
    proc.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(10)
    if proc.poll() is None:
        proc.kill()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary_ms(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (f"p50 {percentile(ms, 50):7.1f} ms  p95 {percentile(ms, 95):7.1f} ms  "
            f"max {max(ms):7.1f} ms  mean {statistics.mean(ms):6.1f} ms  n={len(ms)}")


class RssPeak:
    """Sample this process's RSS every 20 ms; ``peak`` minus ``start`` is the growth."""

    def __init__(self):
        import threading

        import psutil

        self.proc = psutil.Process()
        self.start = self.peak = self.proc.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.02)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)
