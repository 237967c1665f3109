from django.urls import path

from supervision.views import complaints as c
from supervision.views import experts as ex
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
    path("complaints/<int:complaint_id>/files/<int:attachment_id>/", c.attachment_file,
         name="complaint-file"),
    path("complaints/<int:complaint_id>/handle/", c.complaint_handle, name="complaint-handle"),
    path("regulator/experts/", ex.expert_pool, name="regulator-experts"),
    path("regulator/experts/new/", ex.expert_new, name="regulator-expert-new"),
    path("regulator/experts/<int:expert_id>/", ex.expert_edit, name="regulator-expert"),
    path("regulator/experts/<int:expert_id>/<slug:action>/", ex.expert_action,
         name="regulator-expert-action"),
    path("regulator/panels/", ex.panel_list, name="regulator-panels"),
    path("regulator/panels/<int:panel_id>/", ex.panel_detail, name="regulator-panel"),
    path("regulator/panels/<int:panel_id>/<slug:action>/", ex.panel_action,
         name="regulator-panel-action"),
    path("inspections/", v.public_inspections, name="inspections"),
    path("inspections/<int:inspection_id>/", v.public_inspection, name="inspection"),
]
