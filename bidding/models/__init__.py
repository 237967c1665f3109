"""The models of bidding: ``projects`` (projects, sign-ups, bids, scores), ``awards`` (awards,
objections, contracts, deliveries), ``draws`` (the random draw's commitments and reveals) and
``experts`` (the expert pool and its panels), ``follows`` (关注). Writes go through ``bidding.services.*``; reads
through ``bidding.selectors.*``. Import them from here."""
from bidding.models.awards import Award, Contract, Delivery, Objection
from bidding.models.draws import DrawCommitment, DrawContribution
from bidding.models.experts import Expert, ExpertScore, ExpertTie, Panel, PanelSeat
from bidding.models.follows import ProjectFollow
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

__all__ = ["Avoidance", "Award", "Bid", "Contract", "Delivery", "DrawCommitment",
           "DrawContribution", "EvaluationScore", "Expert", "ExpertScore", "ExpertTie",
           "Objection", "Panel", "PanelSeat", "PostingReview", "Project", "ProjectDocument",
           "ProjectFollow", "ProjectQualification", "SignUp"]
