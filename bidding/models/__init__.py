"""The models of bidding: ``projects`` (projects, sign-ups, bids, scores), ``awards`` (awards,
objections, contracts, deliveries) and ``draws`` (the random draw's commitments and reveals).
Writes go through ``bidding.services.*``; reads through ``bidding.selectors.*``. Import them
from here."""
from bidding.models.awards import Award, Contract, Delivery, Objection
from bidding.models.draws import DrawCommitment, DrawContribution
from bidding.models.projects import (
    Avoidance,
    Bid,
    EvaluationScore,
    Project,
    ProjectDocument,
    ProjectQualification,
    SignUp,
)

__all__ = ["Avoidance", "Award", "Bid", "Contract", "Delivery", "DrawCommitment",
           "DrawContribution", "EvaluationScore", "Objection",
           "Project", "ProjectDocument", "ProjectQualification", "SignUp"]
