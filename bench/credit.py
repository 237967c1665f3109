"""Credit benchmark: 50,000 agencies and 1,000,000 ledger events in PostgreSQL (own database
``mp_credit_bench``).

Loads the rows with COPY (agencies as raw Organisation/Partner/Agency rows) once, then on every
run measures
  * a full ``credit_recompute`` from cold (every stored score reset to the default and the
    sanctions dropped, so it rewrites ~50,000 scores and the exit triggers create thousands of
    warnings and suspensions, each audited), then again with nothing to write (the daily run):
    time, rows changed, peak RSS growth of this process;
  * one incremental event (``credit_event_record`` on a random agency: lock, append, rescore,
    triggers, audit), median and p95 of many, and its queries;
  * that incremental and full agree: after the incremental events, a recompute at the same date
    changes nothing;
  * last, the peak of Python allocations of a recompute (tracemalloc; slow, so it runs last and
    disturbs nothing else).
Tables are VACUUMed after loading and resetting, and before the events (this PostgreSQL runs
with autovacuum off; without it every run measures the dead rows of the previous ones).

    .venv/bin/python bench/credit.py [--agencies 50000] [--events 1000000] [--samples 300]
        [--reload]

Targets: full recompute < 60 s, one event < 20 ms.

Figures (2026-11-29, PostgreSQL 15, 2 cores shared with other engineers' test runs and
benchmarks, load average 2.0–2.3 during the runs; two consecutive runs): full recompute, cold
(49,968 scores written, ~5,490 warnings / suspensions created, ~10,790 audit events) 7.9 s and
7.4 s, peak RSS +39 MiB; full recompute, steady (nothing to write) 4.5 s and 3.9 s, peak RSS
+8 MiB; peak Python allocations 24 MiB (tracemalloc); one incremental event median 5.8 ms and
4.7 ms, p95 9.9 ms and 8.0 ms (n=300), 10 queries with BEGIN and COMMIT (11–13 when the agency
is sanctioned or the new grade can trigger); after the incremental events a full recompute at
the same date changed 0 agencies. ``manage.py credit_recompute`` (load ≈ 2.5): cold 8.2 s,
steady 4.1 s, whole process max RSS 152 MiB. Loading: 50,000 agencies 5 s, 1,000,000 events
44 s (COPY).

After the split of credit/services (ledger, exits, recompute, sanctions; same hot path), same
machine, BENCH_CREDIT_DB=h4_credit_bench, --samples 200: before the split at load ≈ 8.0 cold
27.9 s, steady 15.5 s, one event median 20.0 ms (p95 36.1); after at load ≈ 5.5 cold 16.7 s,
steady 7.7 s, one event median 12.0 ms (p95 19.9); both 5,201 sanctions and 10,291 audit events,
10 queries per event, 0 mismatches (the difference is the machine's load, not the code).

Before (the code of 2026-11-23, same machine and same conditions, load ≈ 3): cold 89.1 s,
steady 11.7 s, one event median 7.0 ms, p95 10.9 ms; its figures then, at load ≈ 8: steady
54.3 s, cold 351.5 s (peak RSS +94 MiB, 90 MiB Python allocations), one event median 20.4 ms,
p95 35.7 ms.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import RssPeak, ensure_database, percentile, setup_django  # noqa: E402

DB = os.environ.get("BENCH_CREDIT_DB", "mp_credit_bench")


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    """COPY ``rows`` (tuples of already-formatted text values, None for NULL) into ``table``."""
    buf = io.StringIO()
    for row in rows:
        buf.write("\t".join("\\N" if v is None else str(v) for v in row))
        buf.write("\n")
    buf.seek(0)
    cursor.copy_expert(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN', buf)


def _defaults(model, columns: list[str]) -> tuple[list[str], tuple]:
    """Columns of ``model`` not in ``columns`` that have a plain default (fields added since the
    loader was written, e.g. derived flags), with their defaults as COPY text."""
    extra, values = [], []
    for f in model._meta.concrete_fields:
        if f.column in columns or not f.has_default() or callable(f.default):
            continue
        extra.append(f.column)
        value = f.default
        values.append(None if value is None else ("t" if value is True else "f" if value is False
                                                  else value))
    return extra, tuple(values)


def vacuum(*models) -> None:
    """VACUUM ANALYZE the tables of ``models``: what autovacuum does in production (this server
    runs with it off, so without this every run would measure the dead rows of the previous
    ones, and the freshly copied ledger would have no visibility map for index-only scans)."""
    from django.db import connection

    with connection.cursor() as cur:
        for model in models:
            cur.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')


def checkpoint() -> None:
    """Flush the dirty pages now (CHECKPOINT needs a superuser or ``pg_checkpoint``)."""
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cur:
            cur.execute("CHECKPOINT")
    except DatabaseError as exc:
        print(f"(no CHECKPOINT: {exc})")


def cold_reset() -> None:
    """Make every stored score stale and drop the sanctions: the next recompute rewrites the
    50,000 scores and creates the exit mechanism's warnings and suspensions from scratch (the
    ledger and the audit trail are kept). Bench database only."""
    from django.db import connection

    from agencies.models import Agency
    from credit.models import CreditEvent, Sanction

    with connection.cursor() as cur:
        cur.execute(f'TRUNCATE "{Sanction._meta.db_table}" CASCADE')
    Agency.objects.update(credit_score=80, credit_stars=3, credit_grade="B", standing="good")
    vacuum(Agency, Sanction, CreditEvent)


def load(n_agencies: int, n_events: int, reload: bool) -> None:
    from django.db import connection, transaction

    from agencies.models import Agency
    from core.catalogue import Partner
    from core.models import Organisation, Region
    from credit.models import CreditEvent

    if not reload and Agency.objects.count() >= n_agencies and \
            CreditEvent.objects.count() >= n_events:
        print(f"data present: {Agency.objects.count()} agencies, "
              f"{CreditEvent.objects.count()} events")
        return
    started = time.perf_counter()
    org_t, partner_t = Organisation._meta.db_table, Partner._meta.db_table
    agency_t, event_t = Agency._meta.db_table, CreditEvent._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f'TRUNCATE "{event_t}", "credit_sanction", "{agency_t}", "{partner_t}", '
                    f'"{org_t}" RESTART IDENTITY CASCADE')
    region_id = Region.objects.order_by("pk").values_list("pk", flat=True).first()
    now = dt.datetime.now(dt.timezone.utc)
    ts = now.isoformat()
    rng = random.Random(42)
    with transaction.atomic(), connection.cursor() as cur:
        _copy(cur, org_t, ["id", "kind", "name", "uscc", "is_government", "region_id",
                           "contact_name", "contact_phone", "contact_email", "created",
                           "modified"],
              ((i, "agency", f"基准中介机构{i}", f"B{i:017d}", "f", region_id, "张三",
                "027-1", "", ts, ts) for i in range(1, n_agencies + 1)))
        _copy(cur, partner_t, ["id", "code", "name"],
              ((i, f"bench-{i}", f"基准中介机构{i}") for i in range(1, n_agencies + 1)))
        columns = [
            "id", "organisation_id", "partner_id", "name", "uscc", "nature",
            "legal_representative", "address", "region_id", "contact_name", "contact_phone",
            "contact_email", "website", "description", "gov_tie_declared", "gov_tie_department",
            "gov_tie_details", "integrity_accepted_at", "credit_score", "credit_stars",
            "credit_grade", "rating_count", "standing", "created", "modified"]
        extra, defaults = _defaults(Agency, columns)
        _copy(cur, agency_t, columns + extra,
              ((i, i, i, f"基准中介机构{i}", f"B{i:017d}", "enterprise", "李四", "武汉",
                region_id, "张三", "027-1", "", "", "", "f", "", "", ts, "80.00", 3, "B", 0,
                "good", ts, ts, *defaults) for i in range(1, n_agencies + 1)))
        for table in (org_t, partner_t, agency_t):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                        f"(SELECT MAX(id) FROM \"{table}\"))")
    print(f"agencies: {n_agencies} rows in {time.perf_counter() - started:.1f} s")

    kinds = [("rating", "purchaser", 0)] * 12 + [
        ("delivery_on_time", "purchaser", 1), ("delivery_on_time", "purchaser", 1),
        ("delivery_late", "purchaser", -3), ("inspection_pass", "operator", 2),
        ("objection_upheld", "operator", -5), ("complaint_upheld", "industry_department", -8),
        ("regulator_finding", "operator", -10), ("repair", "operator", 5)]
    started = time.perf_counter()
    columns = ["agency_id", "kind", "source", "points", "stars", "occurred_at", "rule_version",
               "reason", "ref_type", "ref_id", "voided", "voided_reason", "created"]
    chunk = 100_000
    with connection.cursor() as cur:
        for start in range(0, n_events, chunk):
            rows = []
            for _ in range(min(chunk, n_events - start)):
                kind, source, points = rng.choice(kinds)
                stars = f"{rng.choice([1, 2, 3, 3.6, 4, 4.2, 4.6, 4.8, 5, 5]):.2f}" \
                    if kind == "rating" else None
                when = now - dt.timedelta(days=rng.randint(0, 1500), seconds=rng.randint(0, 86399))
                rows.append((rng.randint(1, n_agencies), kind, source, f"{points}.00", stars,
                             when.isoformat(), "2026.1", "基准事件", "", "",
                             "t" if rng.random() < 0.01 else "f", "", ts))
            _copy(cur, event_t, columns, rows)
    print(f"events: {n_events} rows in {time.perf_counter() - started:.1f} s")
    vacuum(CreditEvent, Agency)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agencies", type=int, default=50_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--reload", action="store_true")
    args = parser.parse_args()

    setup_django(ensure_database(DB))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from agencies.models import Agency
    from core.models import AuditEvent
    from credit.models import CreditEvent, Sanction
    from credit.selectors.ledger import agency_score
    from credit.services.ledger import credit_event_record
    from credit.services.recompute import credit_recompute

    load(args.agencies, args.events, args.reload)
    as_of = timezone.localdate()
    print(f"PostgreSQL {connection.cursor().connection.server_version}, "
          f"{CreditEvent.objects.count()} events; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    cold_reset()
    audited = AuditEvent.objects.count()
    with RssPeak() as rss:
        started = time.perf_counter()
        total, changed = credit_recompute(as_of=as_of)
        took = time.perf_counter() - started
    print(f"full recompute (cold): {total} agencies, {changed} changed, "
          f"{Sanction.objects.count()} sanctions created, "
          f"{AuditEvent.objects.count() - audited} audit events, {took:.1f} s, "
          f"peak RSS +{(rss.peak - rss.start) / 2**20:.0f} MiB")
    with RssPeak() as rss:
        started = time.perf_counter()
        total, changed = credit_recompute(as_of=as_of)
        took = time.perf_counter() - started
    print(f"full recompute (again, nothing to write): {total} agencies, {changed} changed, "
          f"{took:.1f} s, peak RSS +{(rss.peak - rss.start) / 2**20:.0f} MiB")
    vacuum(Agency, Sanction, CreditEvent)  # as autovacuum would after the recomputes
    checkpoint()  # time events, not the flushing of the recomputes' writes
    rng = random.Random(7)
    kinds = [("rating", "purchaser"), ("delivery_on_time", "purchaser"),
             ("delivery_late", "purchaser"), ("inspection_pass", "operator")]
    timings = []
    touched = set()
    for _ in range(args.samples):
        agency_id = rng.randint(1, args.agencies)
        kind, source = rng.choice(kinds)
        started = time.perf_counter()
        credit_event_record(agency=agency_id, kind=kind, source=source,
                            stars=rng.choice([3, 4, 5]) if kind == "rating" else None,
                            reason="基准增量事件")
        timings.append(time.perf_counter() - started)
        touched.add(agency_id)
    ms = [t * 1000 for t in timings]
    print(f"one incremental event: median {statistics.median(ms):.1f} ms, "
          f"p95 {percentile(ms, 95):.1f} ms, max {max(ms):.1f} ms (n={len(ms)}; events per "
          f"agency ≈ {args.events / args.agencies:.0f})")
    counts = []
    for kind, source in kinds:
        with CaptureQueriesContext(connection) as queries:
            credit_event_record(agency=rng.randint(1, args.agencies), kind=kind, source=source,
                                stars=4 if kind == "rating" else None, reason="基准增量事件")
        counts.append(len(queries.captured_queries))
    print(f"queries per incremental event (BEGIN and COMMIT included): {counts} "
          f"for {[k for k, _s in kinds]}")
    mismatched = [a for a in touched
                  if Agency.objects.values_list("credit_score", flat=True).get(pk=a)
                  != agency_score(a, as_of=as_of).score]
    total, changed = credit_recompute(as_of=as_of)
    print(f"recompute after the incremental events: {changed} of {total} changed "
          f"(0 = incremental equals full); spot check mismatches: {len(mismatched)}; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    tracemalloc.start()
    started = time.perf_counter()
    credit_recompute(as_of=as_of)
    traced = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"full recompute under tracemalloc: {traced:.1f} s, peak Python allocations "
          f"{peak / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
