"""The models of bidding: ``projects`` (projects, sign-ups, bids, scores) and ``awards`` (awards,
objections, contracts, deliveries). Writes go through ``bidding.services.*``; reads through
``bidding.selectors.*``. Import them from here."""
from bidding.models.awards import Award, Contract, Delivery, Objection
from bidding.models.projects import (
    Avoidance,
    Bid,
    EvaluationScore,
    Project,
    ProjectDocument,
    ProjectQualification,
    SignUp,
)
from bidding.models.reviews import PostingReview

__all__ = ["Avoidance", "Award", "Bid", "Contract", "Delivery", "EvaluationScore", "Objection",
           "PostingReview", "Project", "ProjectDocument", "ProjectQualification", "SignUp"]
