from django.urls import path

from agencies.views import papers, subscriptions
from agencies.views import registry as views

app_name = "agencies"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("register/", views.register, name="register"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/offers/", views.offers, name="offers"),
    path("<int:pk>/offers/<int:item_pk>/remove/", views.offer_remove, name="offer_remove"),
    path("<int:pk>/qualifications/", views.qualifications, name="qualifications"),
    path("<int:pk>/qualifications/<int:qual_pk>/remove/", views.qualification_remove,
         name="qualification_remove"),
    path("<int:pk>/practitioners/", views.practitioners, name="practitioners"),
    path("<int:pk>/practitioners/<int:person_pk>/remove/", views.practitioner_remove,
         name="practitioner_remove"),
    path("<int:pk>/subscriptions/", subscriptions.subscriptions, name="subscriptions"),
    path("<int:pk>/subscriptions/<int:sub_pk>/remove/", subscriptions.subscription_remove,
         name="subscription_remove"),
    path("<int:pk>/papers/", papers.papers, name="papers"),
    path("<int:pk>/papers/<int:paper_pk>/file/", papers.paper_file, name="paper_file"),
    path("<int:pk>/papers/<int:paper_pk>/dates/", papers.paper_dates, name="paper_dates"),
    path("<int:pk>/papers/<int:paper_pk>/withdraw/", papers.paper_withdraw,
         name="paper_withdraw"),
]
