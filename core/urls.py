from django.contrib.auth import views as auth_views
from django.urls import path

from core.forms import SignInForm
from core.views import accounts, audit

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=SignInForm,
                                                         redirect_authenticated_user=True),
         name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("account/", accounts.account, name="account"),
    path("audit/", audit.audit_heads, name="audit-heads"),
    path("audit/heads.json", audit.audit_heads_json, name="audit-heads-json"),
    # The API list lives beside its page (core has no api/ package: core/api.py is the DRF glue).
    path("api/v1/audit/heads/", audit.PublishedHeadList.as_view(), name="api-audit-heads"),
]
