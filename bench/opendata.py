"""Open-data export benchmark: 50,000 awarded projects and their OCDS releases in PostgreSQL
(own database, ``mp_opendata_bench`` or the one ``BENCH_OPENDATA_DB`` / ``DATABASE_URL`` names).

Loads (bulk_create, once; kept between runs) projects, one winning sign-up and award each and
two releases per project (tender, award) of a representative size (3–6 KB of JSON, Chinese
text), first up to ``--small`` projects, then up to ``--projects``. At both sizes it times
  * the export of ``opendata/exports.py`` without the flattened files (releases JSON Lines
    gzip, the OCDS zip with its release package, sanctions and grades CSV): wall time and this
    process's peak RSS growth (sampled every 20 ms), to show memory does not grow with the data;
  * a baseline in the same run: ``COPY (SELECT data::text …) TO STDOUT`` written through the
    same gzip, the least any export of these rows can cost;
then, at the full size, the flattened CSV/XLSX (flattentool) on the window the setting keeps
(``OPEN_DATA_FLAT_MONTHS``; the bench's releases are spread over three years), and last the
peak of Python allocations of the export (tracemalloc, slow, so it runs last).

    .venv/bin/python bench/opendata.py [--projects 50000] [--small 10000] [--no-flat]

Target: the export < 60 s at 50,000 projects, memory flat between 10,000 and 50,000.

Figures on the final code (2026-12-01, PostgreSQL 15, 2 cores, load average 1.0–1.2, a fresh
database; releases 2.8–5.6 KB, 4.1 KB on average): 10,000 projects (20,000 releases) export
2.2 s, peak RSS +24.2 MiB, baseline 0.5 s; 50,000 projects (100,000 releases) export 10.9 s,
peak RSS +24.5 MiB, baseline 2.5 s; files: releases .jsonl.gz and ocds .zip 20.0 MiB each (the
bench's releases are repetitive; real ones compress less). Flattened, last 12 months (33,036
releases): 64.3 s, 1.9 ms a release, peak RSS +670.5 MiB, CSV zip 7.3 MiB, xlsx 23.0 MiB (load
1.3–1.7). Export under tracemalloc: peak Python allocations 27.9 MiB. Loading: 10,000 projects
9 s, 40,000 more 35 s. Re-running on a database already loaded exports everything at both
sizes: give ``BENCH_OPENDATA_DB`` a new name to compare 10,000 with 50,000 again.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import os
import random
import shutil
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import RssPeak, bench_database, ensure_database, setup_django  # noqa: E402

DB = os.environ.get("BENCH_OPENDATA_DB", "mp_opendata_bench")
AGENCIES = 500
BATCH = 2500
SERVICES = ["环境影响评价报告书编制", "水土保持方案编制", "建设项目用地预审测绘", "地质灾害危险性评估",
            "节能评估报告编制", "安全预评价", "工程造价咨询", "房屋安全鉴定"]


def release_data(i: int, project_id: int, when: dt.datetime, stage: str, agencies: list,
                 rng: random.Random) -> dict:
    """A representative OCDS release of bench project ``i`` (the builder's shape; 3–6 KB)."""
    ocid = f"ocds-zjcs01-{project_id}"
    service = SERVICES[i % len(SERVICES)]
    ceiling = 50_000 + (i % 40) * 5_000
    tenderers = [agencies[(i + k) % len(agencies)] for k in range(3 + i % 3)]
    parties = [{"id": "CN-USCI-11420100MB0000000X", "name": "某市自然资源和规划局",
                "identifier": {"scheme": "CN-USCI", "id": "11420100MB0000000X",
                               "legalName": "某市自然资源和规划局"},
                "address": {"streetAddress": "湖北省武汉市江岸区沿江大道188号",
                            "region": "湖北省", "locality": "武汉市", "countryName": "中国"},
                "contactPoint": {"name": "项目办公室", "telephone": "027-87654321"},
                "roles": ["buyer", "procuringEntity"]}]
    for a_id, a_name, a_uscc in tenderers:
        parties.append({"id": f"CN-USCI-{a_uscc}", "name": a_name,
                        "identifier": {"scheme": "CN-USCI", "id": a_uscc, "legalName": a_name},
                        "address": {"region": "湖北省", "locality": "武汉市",
                                    "countryName": "中国"},
                        "roles": ["tenderer"] + (["supplier"] if a_id == tenderers[0][0]
                                                 and stage == "award" else [])})
    data = {
        "ocid": ocid, "id": f"{ocid}-{stage}-{when:%Y%m%d%H%M%S}", "date": when.isoformat(),
        "tag": [stage], "initiationType": "tender", "language": "zh",
        "buyer": {"id": parties[0]["id"], "name": parties[0]["name"]},
        "parties": parties,
        "tender": {
            "id": str(project_id), "title": f"{service}（基准项目{i}）",
            "description": f"编制并报批本项目的{service}，配合审批部门完成技术审查；"
                           "服务期限二十个工作日，成果须符合国家和行业标准，"
                           "并按审批部门意见修改完善直至通过审查。" * 2,
            "status": "complete" if stage == "award" else "active",
            "procurementMethod": "open", "procurementMethodDetails": "网上竞价",
            "mainProcurementCategory": "services",
            "value": {"amount": ceiling, "currency": "CNY"},
            "minValue": {"amount": ceiling * 0.6, "currency": "CNY"},
            "items": [{"id": "1", "description": service, "quantity": 1,
                       "classification": {"scheme": "ZJCS", "id": str(i % len(SERVICES) + 1),
                                          "description": service}}],
            "tenderPeriod": {"startDate": (when - dt.timedelta(days=7)).isoformat(),
                             "endDate": (when - dt.timedelta(days=2)).isoformat()},
            "awardPeriod": {"startDate": (when - dt.timedelta(days=1)).isoformat()},
            "documents": [{"id": "notice", "documentType": "tenderNotice", "title": "采购公告",
                           "url": f"https://zjcs.example.gov.cn/projects/{project_id}/",
                           "language": "zh"}],
        },
    }
    if stage == "award":
        price = round(ceiling * rng.uniform(0.62, 0.97), 2)
        winner = tenderers[0]
        data["tender"]["numberOfTenderers"] = len(tenderers)
        data["tender"]["tenderers"] = [{"id": f"CN-USCI-{t[2]}", "name": t[1]} for t in tenderers]
        data["awards"] = [{"id": f"{project_id}-1", "title": f"{service}中选结果", "status": "active",
                           "date": when.isoformat(), "value": {"amount": price, "currency": "CNY"},
                           "suppliers": [{"id": f"CN-USCI-{winner[2]}", "name": winner[1]}],
                           "documents": [{"id": "award", "documentType": "awardNotice",
                                          "title": "中选公告",
                                          "url": f"https://zjcs.example.gov.cn/awards/{i}/"}]}]
        data["bids"] = {
            "statistics": [{"id": "1", "measure": "bids", "value": len(tenderers)}],
            "details": [{"id": f"{project_id}-{k}", "date": when.isoformat(), "status": "valid",
                         "tenderers": [{"id": f"CN-USCI-{t[2]}", "name": t[1]}],
                         "value": {"amount": round(price * (1 + 0.02 * k), 2), "currency": "CNY"}}
                        for k, t in enumerate(tenderers)]}
    return data


def load(target: int) -> None:
    """Add projects (awarded), sign-ups, awards and releases until there are ``target``."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from agencies.models import Agency
    from bidding.models import Award, Project, SignUp
    from core.catalogue import Partner, Product, service_class
    from core.models import Member, Organisation, Region
    from opendata.models import Release

    have = Project.objects.count()
    if have >= target:
        return
    started = time.perf_counter()
    region = Region.objects.get(code="420100")
    user = get_user_model().objects.filter(username="bench_purchaser").first()
    if user is None:
        user = get_user_model().objects.create_user("bench_purchaser", password="x")
        buyer = Organisation.objects.create(kind=Organisation.Kind.PURCHASER, name="某市自然资源和规划局",
                                            uscc="11420100MB0000000X", region=region,
                                            is_government=True)
        Member.objects.create(user=user, organisation=buyer)
        items = [Product.objects.create(title=s, product_class=service_class(),
                                        structure="standalone", is_public=True) for s in SERVICES]
        now = timezone.now()
        orgs = Organisation.objects.bulk_create(
            [Organisation(kind=Organisation.Kind.AGENCY, name=f"基准中介机构{k}有限公司",
                          uscc=f"9142010{k:010d}X", region=region) for k in range(AGENCIES)])
        partners = Partner.objects.bulk_create(
            [Partner(code=f"bench-{k}", name=o.name) for k, o in enumerate(orgs)])
        Agency.objects.bulk_create(
            [Agency(organisation=o, partner=p, name=o.name, uscc=o.uscc,
                    nature=Agency.Nature.ENTERPRISE, legal_representative="李四",
                    address="武汉", region=region, contact_name="张三", contact_phone="027-1",
                    integrity_accepted_at=now) for o, p in zip(orgs, partners)])
    buyer = user.member.organisation
    items = list(Product.objects.filter(title__in=SERVICES).order_by("pk"))
    agencies = list(Agency.objects.order_by("pk").values_list("pk", "name", "uscc"))
    rng = random.Random(have)
    now = timezone.now()
    for start in range(have, target, BATCH):
        n = min(BATCH, target - start)
        with transaction.atomic():
            whens = [now - dt.timedelta(days=rng.randint(1, 1095), minutes=rng.randint(0, 1439))
                     for _ in range(n)]
            projects = Project.objects.bulk_create([Project(
                purchaser=buyer, created_by=user, item=items[(start + k) % len(items)],
                title=f"{SERVICES[(start + k) % len(SERVICES)]}（基准项目{start + k}）",
                region=region, content="基准项目", service_days=20,
                method=Project.Method.LIVE_BIDDING, ceiling=Decimal(50_000 + (k % 40) * 5_000),
                floor=Decimal(30_000), step=Decimal(500), enquiry_phone="027-1",
                complaint_phone="027-2", status=Project.Status.AWARDED,
                published_at=w - dt.timedelta(days=7), signup_deadline=w - dt.timedelta(days=2),
                selection_at=w - dt.timedelta(days=1)) for k, w in enumerate(whens)])
            signups = SignUp.objects.bulk_create([SignUp(
                project=p, agency_id=agencies[(start + k) % len(agencies)][0], label="A")
                for k, p in enumerate(projects)])
            Award.objects.bulk_create([Award(
                project=p, agency_id=s.agency_id, signup=s,
                price=(p.ceiling * Decimal("0.8")).quantize(Decimal("0.01")),
                method=p.method, status=Award.Status.ACCEPTED, decided_at=w,
                objection_until=w + dt.timedelta(days=3), code=f"B{start + k:012d}",
                record_hash="0" * 64) for k, (p, s, w) in enumerate(zip(projects, signups, whens))])
            releases = []
            for k, (p, w) in enumerate(zip(projects, whens)):
                for stage, when in (("tender", w - dt.timedelta(days=7)), ("award", w)):
                    data = release_data(start + k, p.pk, when, stage, agencies, rng)
                    releases.append(Release(ocid=data["ocid"], release_id=data["id"], project=p,
                                            date=when, tags=[stage], data=data))
            Release.objects.bulk_create(releases, batch_size=1000)
    from django.db import connection
    with connection.cursor() as cur:
        for table in ("opendata_release", "bidding_project", "bidding_award"):
            cur.execute(f'VACUUM ANALYZE "{table}"')
    print(f"loaded projects {have} → {target} in {time.perf_counter() - started:.1f} s")


def mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"


def measure(label: str, root: Path) -> None:
    from django.conf import settings
    from django.db import connection

    from opendata.exports import export_bulk_files
    from opendata.models import Release

    n = Release.objects.count()
    with connection.cursor() as cur:
        cur.execute("SELECT AVG(octet_length(data::text)), MIN(octet_length(data::text)), "
                    "MAX(octet_length(data::text)) FROM opendata_release")
        avg, lo, hi = cur.fetchone()
    print(f"[{label}] {n} releases of {lo / 1024:.1f}–{hi / 1024:.1f} KB of JSON text, "
          f"{float(avg) / 1024:.1f} KB on average; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    settings.OPEN_DATA_ROOT = root
    shutil.rmtree(root, ignore_errors=True)
    with RssPeak() as rss:
        started = time.perf_counter()
        export_bulk_files(force=True, flat=False)
        took = time.perf_counter() - started
    sizes = ", ".join(f"{p.name.split('-20')[0]} {mib(p.stat().st_size)}"
                      for p in sorted(root.iterdir()))
    print(f"[{label}] export (JSON Lines + OCDS zip + CSVs): {took:.1f} s, peak RSS "
          f"{mib(rss.peak)} (+{mib(rss.peak - rss.start)}); {sizes}")
    started = time.perf_counter()
    with RssPeak() as rss, gzip.open(root / "baseline.jsonl.gz", "wb", compresslevel=6) as out:
        with connection.cursor() as cur:
            cur.cursor.copy_expert(
                'COPY (SELECT data::text FROM opendata_release ORDER BY date, id) TO STDOUT', out)
    print(f"[{label}] baseline COPY → gzip of the same rows: {time.perf_counter() - started:.1f} s, "
          f"peak RSS +{mib(rss.peak - rss.start)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=50_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--no-flat", action="store_true")
    args = parser.parse_args()

    setup_django(ensure_database(bench_database(DB)))
    from django.conf import settings
    from django.db import connection

    from opendata import exports
    from opendata.models import Release

    root = Path(tempfile.mkdtemp(prefix="bench-opendata-"))
    print(f"PostgreSQL {connection.cursor().connection.server_version}")
    load(args.small)
    measure(f"{args.small} projects", root / "small")
    load(args.projects)
    measure(f"{args.projects} projects", root / "full")

    if not args.no_flat:
        day = dt.date.today()
        window = Release.objects.filter(date__gte=exports.flat_window_start(day)).count()
        work = root / "flat"
        work.mkdir()
        with RssPeak() as rss:
            started = time.perf_counter()
            exports._write_flat(root / "flat.zip", root / "flat.xlsx", day, work)
            took = time.perf_counter() - started
        print(f"flattened (flattentool, last {settings.OPEN_DATA_FLAT_MONTHS} months: {window} "
              f"releases): {took:.1f} s ({took / max(window, 1) * 1000:.1f} ms per release), "
              f"peak RSS +{mib(rss.peak - rss.start)}; csv zip {mib((root / 'flat.zip').stat().st_size)}, "
              f"xlsx {mib((root / 'flat.xlsx').stat().st_size)}")

    settings.OPEN_DATA_ROOT = root / "traced"
    tracemalloc.start()
    started = time.perf_counter()
    exports.export_bulk_files(force=True, flat=False)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"export under tracemalloc: {time.perf_counter() - started:.1f} s, peak Python "
          f"allocations {mib(peak)}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
