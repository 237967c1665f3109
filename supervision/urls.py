from django.urls import path

from supervision.views import complaints as c
from supervision.views import reviews as r
from supervision.views import workspace as v

app_name = "supervision"

urlpatterns = [
    path("regulator/", v.overview, name="regulator-overview"),
    path("regulator/risks/", v.risks, name="regulator-risks"),
    path("regulator/objections/", v.objections, name="regulator-objections"),
    path("regulator/objections/<int:objection_id>/decide/", v.objection_decide,
         name="regulator-objection-decide"),
    path("regulator/sanctions/", v.sanctions, name="regulator-sanctions"),
    path("regulator/sanctions/<int:sanction_id>/decide/", v.sanction_decide,
         name="regulator-sanction-decide"),
    path("regulator/ties/", v.ties, name="regulator-ties"),
    path("regulator/ties/<int:agency_id>/review/", v.tie_review, name="regulator-tie-review"),
    path("regulator/inspections/", v.inspections, name="regulator-inspections"),
    path("regulator/inspections/<int:inspection_id>/", v.inspection_manage,
         name="regulator-inspection"),
    path("regulator/complaints/", c.regulator_complaints, name="regulator-complaints"),
    path("regulator/posting-reviews/", r.posting_reviews, name="regulator-posting-reviews"),
    path("regulator/posting-reviews/<int:review_id>/decide/", r.posting_review_decide_view,
         name="regulator-posting-review-decide"),
    path("complaints/", c.complaint_list, name="complaints"),
    path("complaints/new/", c.complaint_new, name="complaint-new"),
    path("complaints/<int:complaint_id>/", c.complaint_detail, name="complaint"),
    path("complaints/<int:complaint_id>/handle/", c.complaint_handle, name="complaint-handle"),
    path("inspections/", v.public_inspections, name="inspections"),
    path("inspections/<int:inspection_id>/", v.public_inspection, name="inspection"),
]
