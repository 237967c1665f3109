"""Directory benchmark (issue 2): 50,000 agencies with offers in PostgreSQL; the directory page and
the agencies API with filters, served by a real Daphne process; p50/p95 over many requests.

    make bench-directory            # or: .venv/bin/python bench/directory.py [--agencies N] [--requests N]

Target: p95 under 150 ms per page on a 2-core machine. Seeding bypasses the services (no audit
rows, no user accounts): it writes the same tables the registry writes, in bulk, with the values
``agencies.signals`` would keep (serves every region, lowest fee), then VACUUM ANALYZE.

Figures (2026-11-29, PostgreSQL 15, 2 cores shared with other engineers' test runs, load average
3.1-3.5 during both runs; 100 requests a scenario; p50 / p95 in ms). Before: the directory as of
commit 0d82fe4, same data; after: a "serves every region" flag and the lowest fee stored on the
agency, pages loaded by id, counts on partial indexes, trigram indexes for name searches.

    scenario                                    before          after
    directory, default order (five-star first)   54.8 /  99.8    36.2 /  51.0
    directory, page 200                          69.4 /  88.2    36.2 /  49.8
    directory, by item                           74.5 /  96.5    41.8 /  56.6
    directory, by category                       91.1 / 136.3    48.3 /  66.3
    directory, by region served                 171.4 / 255.0    65.5 /  85.2
    directory, by qualification                  95.0 / 165.4    65.3 / 109.2
    directory, name search                      123.4 / 204.7    52.0 /  69.2
    directory, item+region+min stars, by name   138.4 / 186.2    66.7 / 109.7
    directory, lowest fee first                 244.6 / 446.5    57.3 /  75.9
    directory, by item, lowest fee first        154.4 / 233.8    83.5 / 141.2
    directory, region+qualification, page 5     188.8 / 254.6    84.5 / 134.1
    API agencies, default                        36.8 /  55.7    37.2 /  51.6
    API agencies, page 200                       62.2 / 202.5    27.7 /  40.8
    API agencies, by item                        61.4 / 120.3    30.9 /  52.0
    API agencies, item+region                   124.7 / 162.0    62.9 / 109.5
    API agencies, category+region+min stars     112.7 / 139.4    62.5 /  87.3
    API agencies, name search                    94.0 / 106.6    21.6 /  31.5
    worst p95                                         446.5           141.2

Every request opens a new PostgreSQL connection under Daphne (about 5-10 ms of each figure).
"""
from __future__ import annotations

import argparse
import http.client
import random
import sys
import time
import urllib.parse
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import (  # noqa: E402
    daphne,
    ensure_database,
    percentile,
    setup_django,
    summary_ms,
)

DB_NAME = "mp_bench_directory"
# Django and the apps are imported inside the functions, not here: the settings read
# DATABASE_URL once, and main() sets it (setup_django) only after choosing the bench database.
CATEGORIES = ["环境评价", "安全评价", "测绘", "地质灾害评估", "节能评估", "防雷检测",
              "施工图审查", "土地勘测", "工程咨询", "水利评价"]


def seed(n_agencies: int, seed_value: int = 20261123) -> None:
    from django.db import transaction
    from django.utils import timezone

    from agencies.models import Agency, OfferTerms, Qualification
    from core.catalogue import Category, Partner, Product, StockRecord, service_class
    from core.models import Organisation, Region
    from core.uscc import make_uscc

    have = Agency.objects.count()
    if have >= n_agencies:
        print(f"seed: {have} agencies already present")
        return
    rng = random.Random(seed_value + have)
    product_class = service_class()
    items = list(Product.objects.filter(product_class=product_class))
    if len(items) < 40:
        for i in range(40 - len(items)):
            name = CATEGORIES[i % len(CATEGORIES)]
            cat = Category.objects.filter(name=name).first() or Category.add_root(name=name)
            item = Product.objects.create(title=f"{name}服务事项{i + 1:02d}",
                                          product_class=product_class, is_public=True)
            item.categories.add(cat)
        items = list(Product.objects.filter(product_class=product_class))
    regions = list(Region.objects.all())
    natures = [c for c, _ in Agency.Nature.choices]
    now = timezone.now()
    batch = 5000
    start = time.perf_counter()
    for offset in range(have, n_agencies, batch):
        size = min(batch, n_agencies - offset)
        with transaction.atomic():
            idx = range(offset + 1, offset + 1 + size)
            codes = [make_uscc(10_000_000 + i) for i in idx]
            orgs = Organisation.objects.bulk_create([
                Organisation(kind=Organisation.Kind.AGENCY, name=f"第{i}号工程咨询有限公司",
                             uscc=code, region=rng.choice(regions), contact_name="联系人",
                             contact_phone="027-12345678")
                for i, code in zip(idx, codes)])
            partners = Partner.objects.bulk_create([
                Partner(name=o.name, code=f"agency-{o.uscc.lower()}") for o in orgs])
            agencies = [
                Agency(organisation=o, partner=p, name=o.name, uscc=o.uscc,
                       nature=rng.choice(natures), legal_representative="法人",
                       registered_capital=Decimal(rng.randint(10, 5000)),
                       address="某市某区某路1号", region=o.region, contact_name="联系人",
                       contact_phone="027-12345678", integrity_accepted_at=now,
                       credit_stars=rng.choice([1, 2, 3, 3, 3, 4, 4, 5]),
                       credit_score=Decimal(rng.randint(50, 99)))
                for o, p in zip(orgs, partners)]
            served = [rng.sample(regions, rng.randint(1, 3)) for _a in agencies]
            offers = [[(item, Decimal(rng.randint(20, 500) * 100))
                       for item in rng.sample(items, 3)] for _a in agencies]
            # Bulk inserts skip the signals that keep these values (agencies.signals).
            for agency, regs, offs in zip(agencies, served, offers):
                agency.serves_everywhere = not regs
                agency.lowest_fee = min(price for _item, price in offs)
            agencies = Agency.objects.bulk_create(agencies)
            through = Agency.service_regions.through
            through.objects.bulk_create([
                through(agency_id=a.pk, region_id=r.pk)
                for a, regs in zip(agencies, served) for r in regs])
            records = StockRecord.objects.bulk_create([
                StockRecord(partner_id=a.partner_id, product=item,
                            partner_sku=f"A{a.pk}-S{item.pk}", price=price,
                            price_currency="CNY")
                for a, offs in zip(agencies, offers) for item, price in offs])
            OfferTerms.objects.bulk_create([OfferTerms(stockrecord=r, commitment="按期保质完成",
                                                       committed_days=rng.randint(5, 30))
                                            for r in records])
            Qualification.objects.bulk_create([
                Qualification(agency=a, name=rng.choice(["测绘资质", "环评资信", "安全评价资质"]),
                              grade=rng.choice(["甲级", "乙级"]))
                for a in agencies if rng.random() < 0.3])
        done = offset + size
        print(f"seed: {done}/{n_agencies} agencies "
              f"({time.perf_counter() - start:.0f} s)", flush=True)
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")  # as autovacuum would in time: statistics, visibility map


def scenarios() -> list[tuple[str, str]]:
    from agencies.models import Agency, Qualification
    from core.catalogue import Category, Product, service_class
    from core.models import Region

    item = Product.objects.filter(product_class=service_class()).order_by("pk")[3]
    category = Category.objects.order_by("pk").first()
    region = Region.objects.get(code="420000")
    name = Agency.objects.order_by("pk")[12345].name
    qual = Qualification.objects.order_by("pk").first().name
    pages = [
        ("directory, default order (five-star first)", "/agencies/"),
        ("directory, page 200", "/agencies/?page=200"),
        ("directory, by item", f"/agencies/?item={item.pk}"),
        ("directory, by category", f"/agencies/?category={category.pk}"),
        ("directory, by region served", f"/agencies/?region={region.pk}"),
        ("directory, by qualification", f"/agencies/?qualification={qual}"),
        ("directory, name search", f"/agencies/?q={name[:6]}"),
        ("directory, item+region+min stars, by name",
         f"/agencies/?item={item.pk}&region={region.pk}&min_stars=4&sort=name"),
        ("directory, lowest fee first", "/agencies/?sort=fee"),
        ("directory, by item, lowest fee first", f"/agencies/?item={item.pk}&sort=fee"),
        ("directory, region+qualification, page 5",
         f"/agencies/?region={region.pk}&qualification={qual}&page=5"),
        ("API agencies, default", "/api/v1/agencies/"),
        ("API agencies, page 200", "/api/v1/agencies/?page=200"),
        ("API agencies, by item", f"/api/v1/agencies/?item={item.pk}"),
        # The API takes a region by its code, a category by id or slug.
        ("API agencies, item+region", f"/api/v1/agencies/?item={item.pk}&region={region.code}"),
        ("API agencies, category+region+min stars",
         f"/api/v1/agencies/?category={category.pk}&region={region.code}&min_stars=4"),
        ("API agencies, name search", f"/api/v1/agencies/?q={name[:6]}"),
    ]
    return pages


def measure(port: int, path: str, requests: int) -> tuple[list[float], int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    timings = []
    status = 0
    for i in range(requests + 5):
        t0 = time.perf_counter()
        conn.request("GET", urllib.parse.quote(path, safe="/?=&"), headers={"Host": "127.0.0.1", "Accept-Language": "zh-hans"})
        response = conn.getresponse()
        response.read()
        elapsed = time.perf_counter() - t0
        status = response.status
        if i >= 5:  # warm-up excluded
            timings.append(elapsed)
    conn.close()
    return timings, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agencies", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    url = ensure_database(DB_NAME)
    setup_django(url)
    seed(args.agencies)
    from agencies.models import Agency
    from core.catalogue import StockRecord

    print(f"\n{Agency.objects.count()} agencies, {StockRecord.objects.count()} offers "
          f"(PostgreSQL, one Daphne process, sequential keep-alive requests)\n")
    rows = []
    with daphne({"DATABASE_URL": url}) as (port, _proc):
        for label, path in scenarios():
            timings, status = measure(port, path, args.requests)
            rows.append((label, status, timings))
            print(f"{label:<46} {status}  {summary_ms(timings)}", flush=True)
    worst = max(percentile(t, 95) for _l, _s, t in rows) * 1000
    print(f"\nworst p95: {worst:.1f} ms (target < 150 ms)")
    if any(status != 200 for _l, status, _t in rows):
        print("WARNING: some requests did not return 200")


if __name__ == "__main__":
    main()
