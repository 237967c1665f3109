from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import SignInForm

urlpatterns = [
    path("", views.home, name="home"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/items/<int:pk>/", views.catalogue_item, name="catalogue-item"),
    path("catalogue/fees/", views.catalogue_fees, name="catalogue-fees"),
    path("catalogue/agencies/", views.catalogue_agencies, name="catalogue-agencies"),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=SignInForm,
                                                         redirect_authenticated_user=True),
         name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", views.signup, name="signup"),
    path("account/", views.account, name="account"),
]
