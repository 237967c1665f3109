"""The models of credit: ``ledger`` (the append-only credit events and the sanctions of the exit
mechanism) and ``inspections`` (双随机、一公开: inspectors, inspections, findings; and the
regulator's reviews of declared government ties) and ``purchasers`` (the purchasers' own credit
ledger and score, two-sided accountability). Import them from here."""
from credit.models.inspections import Inspection, InspectionFinding, Inspector, TieReview
from credit.models.ledger import AppendOnlyQuerySet, CreditEvent, Sanction
from credit.models.purchasers import PurchaserCredit, PurchaserCreditEvent

__all__ = ["AppendOnlyQuerySet", "CreditEvent", "Inspection", "InspectionFinding", "Inspector",
           "PurchaserCredit", "PurchaserCreditEvent", "Sanction", "TieReview"]
