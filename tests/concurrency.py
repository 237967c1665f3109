"""Run one piece of work in several threads released at the same instant (PostgreSQL tests of
row locks and constraints). Each thread closes its own database connection."""
from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def at_once(n: int, target: Callable[[int], object], *, timeout: float = 120) -> list:
    """``[target(0), …, target(n-1)]``, each in its own thread, all started together. Fails the
    test with every exception a thread raised (catch the expected ones inside ``target``)."""
    barrier = threading.Barrier(n)
    results: list = [None] * n
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = target(i)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert not any(t.is_alive() for t in threads), f"a thread still runs after {timeout} s"
    assert not errors, errors
    return results
