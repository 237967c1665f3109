"""The public statistics of /data/ (数据看板; docs/architecture.md, "Open data").

Only public facts are counted: postings once published, awards in force (their price is on
the award notice), and sign-ups of projects already awarded (their number is public once
sign-up has closed, R4). Every figure is aggregated in the database; ``public_stats`` makes the
same number of queries at 10 projects and at 50,000.

Savings are counted for awards quoted as an amount under a ceiling (a discount rate has no
ceiling in yuan): saving = ceiling − award price; the saving rate of a group is the sum of its
savings over the sum of its ceilings, in %.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Substr, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from bidding.models import Award, Project, SignUp
from core.models import Region

LIVE_AWARDS = (Award.Status.NOTICE, Award.Status.CONTRACTING, Award.Status.IN_SERVICE,
               Award.Status.DELIVERED, Award.Status.ACCEPTED)
MONEY = DecimalField(max_digits=20, decimal_places=2)
ZERO = Value(Decimal("0"), output_field=MONEY)
SAVING_Q = Q(project__quote_mode=Project.QuoteMode.AMOUNT, project__ceiling__gt=0)
TOP = (5, 10)
NAMES = ("monthly", "items", "regions", "methods", "concentration", "timing")


@dataclass
class Table:
    """One statistic: its title, columns (label, format) and rows, and the chart drawn from it
    (``chart``: the JSON ``static/js/charts.js`` reads)."""
    name: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[list] = field(default_factory=list)
    chart: dict = field(default_factory=dict)
    kind: str = "bar"
    note: str = ""

    @property
    def source(self) -> str:
        return f"chart-{self.name}"

    def cells(self):
        """Rows as (value, format) pairs for the template."""
        formats = [f for _label, f in self.columns]
        return [list(zip(row, formats)) for row in self.rows]


def public_projects():
    return Project.objects.filter(published_at__isnull=False).exclude(
        status=Project.Status.DRAFT)


def public_awards():
    return Award.objects.filter(status__in=LIVE_AWARDS, project__published_at__isnull=False)


def _award_figures(qs, key: str) -> dict:
    """Per value of ``key``: awards, their total, the savings and the ceilings they count."""
    rows = (qs.values(key).annotate(
        n=Count("id"), value=Coalesce(Sum("price"), ZERO),
        saving=Coalesce(Sum(F("project__ceiling") - F("price"), filter=SAVING_Q,
                            output_field=MONEY), ZERO),
        ceilings=Coalesce(Sum("project__ceiling", filter=SAVING_Q), ZERO))
        .order_by())
    return {r[key]: r for r in rows}


def _pct(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"))


def _row(label, projects: int, figures: dict | None) -> list:
    f = figures or {"n": 0, "value": Decimal("0"), "saving": Decimal("0"),
                    "ceilings": Decimal("0")}
    return [label, projects, f["n"], f["value"], f["saving"], _pct(f["saving"], f["ceilings"])]


def _group_columns(first: str) -> list[tuple[str, str]]:
    return [(first, "text"), (_("Projects published"), "int"), (_("Awards"), "int"),
            (_("Awarded total (yuan)"), "money"), (_("Saving against the ceiling (yuan)"), "money"),
            (_("Saving rate (%)"), "pct")]


def _months(n: int, today: dt.date) -> list[dt.date]:
    first, out = today.replace(day=1), []
    for _i in range(n):
        out.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(out))


def _month_key(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def monthly(months: int = 12, now: dt.datetime | None = None) -> Table:
    month_list = _months(months, timezone.localtime(now or timezone.now()).date())
    start = timezone.make_aware(dt.datetime.combine(month_list[0], dt.time.min))
    projects = {}
    for r in (public_projects().filter(published_at__gte=start)
              .annotate(m=TruncMonth("published_at")).values("m").annotate(n=Count("id"))
              .order_by()):
        projects[_month_key(r["m"])] = projects.get(_month_key(r["m"]), 0) + r["n"]
    awards = {}
    for key, f in _award_figures(public_awards().filter(decided_at__gte=start)
                                 .annotate(m=TruncMonth("decided_at")), "m").items():
        awards[_month_key(key)] = f
    table = Table("monthly", _("Projects, awards and savings by month"),
                  _group_columns(_("Month")), kind="line")
    for m in month_list:
        table.rows.append(_row(m.strftime("%Y-%m"), projects.get(m, 0), awards.get(m)))
    table.chart = {"labels": [r[0] for r in table.rows], "series": [
        {"name": _("Projects published"), "values": [r[1] for r in table.rows]},
        {"name": _("Awards"), "values": [r[2] for r in table.rows]}]}
    return table


def _bar(table: Table, column: int, limit: int = 12) -> dict:
    rows = table.rows[:limit]
    return {"labels": [str(r[0]) for r in rows],
            "values": [float(r[column] or 0) for r in rows]}


def by_item() -> Table:
    projects = {(r["item_id"], r["item__title"]): r["n"] for r in
                public_projects().values("item_id", "item__title").annotate(n=Count("id"))
                .order_by()}
    awards = _award_figures(public_awards(), "project__item_id")
    table = Table("items", _("By catalogue item"), _group_columns(_("Service item")))
    for (item_id, title), n in sorted(projects.items(), key=lambda kv: (-kv[1], kv[0][1])):
        table.rows.append(_row(title, n, awards.get(item_id)))
    table.chart = _bar(table, 1)
    return table


def _province_code():
    return Substr(Coalesce("region__code", "purchaser__region__code"), 1, 2)


def by_region() -> Table:
    names = {r.code[:2]: r.name for r in Region.objects.filter(level=Region.Level.PROVINCE)
             .only("code", "name")}
    projects = {r["p"]: r["n"] for r in public_projects().annotate(p=_province_code())
                .values("p").annotate(n=Count("id")).order_by()}
    awards = _award_figures(public_awards().annotate(
        p=Substr(Coalesce("project__region__code", "project__purchaser__region__code"), 1, 2)),
        "p")
    table = Table("regions", _("By province"), _group_columns(_("Province of the project")))
    for code in sorted(set(projects) | set(awards), key=lambda c: (c is None, c or "")):
        label = names.get(code, code) if code else _("No location")
        table.rows.append(_row(label, projects.get(code, 0), awards.get(code)))
    table.chart = _bar(sorted_copy(table, 1), 1)
    return table


def sorted_copy(table: Table, column: int) -> Table:
    return Table(table.name, table.title, table.columns,
                 sorted(table.rows, key=lambda r: -(r[column] or 0)))


def _bidders():
    """The number of active sign-ups of the project (public once sign-up closed)."""
    return Coalesce(Subquery(
        SignUp.objects.filter(project=OuterRef("pk"), status=SignUp.Status.ACTIVE)
        .values("project").annotate(c=Count("pk")).values("c")[:1]), 0)


def by_method() -> Table:
    projects = {r["method"]: r["n"] for r in public_projects().values("method")
                .annotate(n=Count("id")).order_by()}
    awards = _award_figures(public_awards(), "project__method")
    awarded = public_projects().filter(pk__in=public_awards().values("project_id"))
    bidders = {r["method"]: r["avg"] for r in awarded.annotate(b=_bidders())
               .values("method").annotate(avg=Avg("b")).order_by()}
    columns = _group_columns(_("Selection method")) + [
        (_("Average bidders per awarded project"), "pct")]
    table = Table("methods", _("By selection method"), columns)
    for method, label in Project.Method.choices:
        avg = bidders.get(method)
        table.rows.append(_row(str(label), projects.get(method, 0), awards.get(method))
                          + [Decimal(str(avg)).quantize(Decimal("0.01")) if avg is not None
                             else None])
    table.chart = _bar(table, 2)
    return table


def average_bidders() -> Decimal | None:
    """Average active sign-ups per awarded project of a competitive method."""
    avg = (public_projects().filter(pk__in=public_awards().values("project_id"),
                                    method__in=Project.COMPETITIVE_METHODS)
           .annotate(b=_bidders()).aggregate(avg=Avg("b"))["avg"])
    return None if avg is None else Decimal(str(avg)).quantize(Decimal("0.01"))


def concentration() -> Table:
    """Shares of the awards (by number, and by value) won by the top 5 and top 10 agencies."""
    awards = public_awards()
    totals = awards.aggregate(n=Count("id"), value=Coalesce(Sum("price"), ZERO))
    per_agency = awards.values("agency_id").annotate(n=Count("id"), value=Sum("price"))
    by_count = [r["n"] for r in per_agency.order_by("-n", "agency_id")[:max(TOP)]]
    by_value = [r["value"] for r in per_agency.order_by("-value", "agency_id")[:max(TOP)]]
    table = Table("concentration", _("Concentration: awards won by the largest agencies"),
                  [(_("Agencies"), "text"), (_("Share of awards (%)"), "pct"),
                   (_("Share of awarded value (%)"), "pct")])
    for k in TOP:
        table.rows.append([_("Top %(n)s") % {"n": k}, _pct(sum(by_count[:k]), totals["n"]),
                           _pct(sum(by_value[:k], Decimal("0")), totals["value"])])
    table.chart = _bar(table, 1)
    return table


def timing() -> Table:
    """Mean and median days from posting (published) to award."""
    took = ExpressionWrapper(F("decided_at") - F("project__published_at"),
                             output_field=DurationField())
    qs = public_awards().annotate(took=took)
    n = qs.count()
    mean = median = None
    if n:
        mean = qs.aggregate(avg=Avg("took"))["avg"]
        middle = list(qs.order_by("took", "pk").values_list("took", flat=True)
                      [(n - 1) // 2:n // 2 + 1])
        median = sum(middle, dt.timedelta()) / len(middle)

    def days(value) -> Decimal | None:
        if value is None:
            return None
        if not isinstance(value, dt.timedelta):  # a backend's microseconds
            value = dt.timedelta(microseconds=float(value))
        return (Decimal(value.total_seconds()) / 86400).quantize(Decimal("0.01"))

    table = Table("timing", _("Time from posting to award"),
                  [(_("Figure"), "text"), (_("Days"), "pct"), (_("Awards"), "int")])
    table.rows = [[_("Mean"), days(mean), n], [_("Median"), days(median), n]]
    table.chart = _bar(table, 1)
    return table


def public_stats(*, now: dt.datetime | None = None) -> dict:
    """Every table of /data/ and the key figures, in a fixed number of queries."""
    tables = [monthly(now=now), by_item(), by_region(), by_method(), concentration(), timing()]
    awards = public_awards().aggregate(
        n=Count("id"), value=Coalesce(Sum("price"), ZERO),
        saving=Coalesce(Sum(F("project__ceiling") - F("price"), filter=SAVING_Q,
                            output_field=MONEY), ZERO),
        ceilings=Coalesce(Sum("project__ceiling", filter=SAVING_Q), ZERO))
    return {
        "tables": tables,
        "projects": public_projects().count(),
        "awards": awards["n"],
        "awarded_value": awards["value"],
        "saving": awards["saving"],
        "saving_pct": _pct(awards["saving"], awards["ceilings"]),
        "average_bidders": average_bidders(),
    }


def stats_table(name: str) -> Table | None:
    """One table by name (its CSV), or ``None``."""
    builders = {"monthly": monthly, "items": by_item, "regions": by_region,
                "methods": by_method, "concentration": concentration, "timing": timing}
    builder = builders.get(name)
    return builder() if builder else None
