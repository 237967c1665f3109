from django.urls import path

from . import api_awards as api

urlpatterns = [
    path("awards/", api.AwardList.as_view(), name="api-award-list"),
    path("awards/verify/<str:code>/", api.AwardVerify.as_view(), name="api-award-verify"),
    path("awards/<int:pk>/", api.AwardDetail.as_view(), name="api-award-detail"),
    path("awards/<int:pk>/objections/", api.ObjectionFile.as_view(), name="api-objection-file"),
    path("awards/<int:pk>/contract/", api.ContractUpload.as_view(), name="api-contract-upload"),
    path("awards/<int:pk>/contract/confirm/", api.ContractConfirm.as_view(),
         name="api-contract-confirm"),
    path("awards/<int:pk>/refuse/", api.ContractRefuse.as_view(), name="api-contract-refuse"),
    path("awards/<int:pk>/deliveries/", api.DeliverySubmit.as_view(),
         name="api-delivery-submit"),
    path("objections/<int:pk>/answer/", api.ObjectionAnswer.as_view(),
         name="api-objection-answer"),
    path("objections/<int:pk>/decide/", api.ObjectionDecide.as_view(),
         name="api-objection-decide"),
    path("deliveries/<int:pk>/accept/", api.DeliveryDecide.as_view(accept=True),
         name="api-delivery-accept"),
    path("deliveries/<int:pk>/return/", api.DeliveryDecide.as_view(accept=False),
         name="api-delivery-return"),
    path("projects/<int:pk>/draw/", api.DrawRun.as_view(), name="api-draw"),
    path("projects/<int:pk>/quote/", api.QuoteSubmit.as_view(), name="api-quote"),
    path("projects/<int:pk>/open-quotes/", api.QuotesOpen.as_view(), name="api-open-quotes"),
    path("projects/<int:pk>/scores/", api.ScoreEnter.as_view(), name="api-scores"),
    path("projects/<int:pk>/evaluate/", api.EvaluationRun.as_view(), name="api-evaluate"),
    path("projects/<int:pk>/direct-pick/", api.DirectPick.as_view(), name="api-direct-pick"),
]
