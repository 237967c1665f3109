"""Credit factories: events and sanctions go through ``credit.services.ledger`` (audit included)."""
from __future__ import annotations

import datetime as dt

from credit.models import CreditEvent, Sanction
from credit.services.ledger import credit_event_record
from credit.services.sanctions import sanction_impose
from tests.factories.agencies import agency as make_agency
from tests.factories.core import regulator_user

Kind = CreditEvent.Kind
Source = CreditEvent.Source


def event(agency, kind: str = Kind.RATING, *, source: str = Source.PURCHASER, stars=None,
          points=None, reason: str = "测试事件", occurred_at: dt.datetime | None = None,
          **kwargs) -> CreditEvent:
    if kind == Kind.RATING and stars is None:
        stars = 5
    return credit_event_record(agency=agency, kind=kind, source=source, stars=stars,
                               points=points, reason=reason, occurred_at=occurred_at, **kwargs)


def rating(agency, stars, **kwargs) -> CreditEvent:
    return event(agency, Kind.RATING, stars=stars, **kwargs)


def suspended_agency(**fields):
    """An agency with a suspension in force, imposed by a regulator."""
    agency = fields.pop("agency", None) or make_agency(**fields)
    sanction_impose(actor=regulator_user(), agency=agency, kind=Sanction.Kind.SUSPENSION,
                    reason="拒不签订合同，暂停报名和竞价", days=90)
    agency.refresh_from_db()
    return agency
