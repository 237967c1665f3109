"""The models of bidding: ``projects`` (projects, sign-ups, bids, scores), ``experts`` (the
expert pool and its panels) and ``awards`` (awards, objections, contracts, deliveries). Writes go through ``bidding.services.*``; reads through
``bidding.selectors.*``. Import them from here."""
from bidding.models.awards import Award, Contract, Delivery, Objection
from bidding.models.experts import Expert, ExpertScore, ExpertTie, Panel, PanelSeat
from bidding.models.projects import (
    Avoidance,
    Bid,
    EvaluationScore,
    Project,
    ProjectDocument,
    ProjectQualification,
    SignUp,
)

__all__ = ["Avoidance", "Award", "Bid", "Contract", "Delivery", "EvaluationScore", "Expert",
           "ExpertScore", "ExpertTie", "Objection", "Panel", "PanelSeat", "Project",
           "ProjectDocument", "ProjectQualification", "SignUp"]
