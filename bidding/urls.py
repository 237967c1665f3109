from django.urls import path

from bidding.feeds import AwardFeed, ProjectFeed
from bidding.views import auctions, awards, follows, panels, postings, recommendations

app_name = "bidding"
urlpatterns = [
    path("projects/", postings.project_list, name="project-list"),
    path("projects/recommended/", recommendations.recommended, name="recommended"),
    path("feeds/projects/", ProjectFeed(), name="project-feed"),
    path("feeds/awards/", AwardFeed(), name="award-feed"),
    path("projects/new/", postings.project_new, name="project-new"),
    path("projects/periods/", postings.project_periods, name="project-periods"),
    path("projects/<int:pk>/", postings.project_detail, name="project-detail"),
    path("projects/<int:pk>/edit/", postings.project_edit, name="project-edit"),
    path("projects/<int:pk>/publish/", postings.project_publish, name="project-publish"),
    path("projects/<int:pk>/review/", postings.project_review_request,
         name="project-review-request"),
    path("projects/<int:pk>/withdraw/", postings.project_withdraw, name="project-withdraw"),
    path("projects/<int:pk>/signup/", postings.project_signup, name="project-signup"),
    path("projects/<int:pk>/signup/cancel/", postings.project_signup_cancel,
         name="project-signup-cancel"),
    path("projects/<int:pk>/follow/", follows.project_follow, name="project-follow"),
    path("projects/<int:pk>/unfollow/", follows.project_unfollow, name="project-unfollow"),
    path("projects/<int:pk>/auction/", auctions.auction, name="auction"),
    path("awards/", awards.award_list, name="award-list"),
    path("awards/<int:pk>/", awards.award_detail, name="award-detail"),
    path("awards/<int:pk>/<slug:action>/", awards.award_action, name="award-action"),
    path("objections/<int:pk>/<slug:action>/", awards.objection_action, name="objection-action"),
    path("deliveries/<int:pk>/<slug:action>/", awards.delivery_action, name="delivery-action"),
    path("verify/", awards.verify, name="verify"),
    path("approvals/", awards.approvals, name="approvals"),
    path("projects/<int:pk>/selection/", awards.selection, name="selection"),
    path("projects/<int:pk>/selection/<slug:action>/", awards.selection_action,
         name="selection-action"),
    path("expert/panels/", panels.expert_panels, name="expert-panels"),
    path("expert/panels/<int:pk>/", panels.expert_panel, name="expert-panel"),
]
