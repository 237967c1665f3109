from django.contrib.auth import views as auth_views
from django.urls import path

from core.views import accounts, audit, display, portal, todos

urlpatterns = [
    path("accounts/login/", accounts.SignIn.as_view(), name="login"),
    # Single sign-on with the government-service portal (404 while OIDC is not configured).
    path("accounts/portal/", portal.PortalStart.as_view(), name="portal-start"),
    path("accounts/portal/callback/", portal.PortalCallback.as_view(), name="portal-callback"),
    path("accounts/portal/register/", portal.portal_choice, name="portal-choice"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("account/", accounts.account, name="account"),
    path("display/text-size/", display.text_size, name="text-size"),
    path("audit/", audit.audit_heads, name="audit-heads"),
    path("audit/heads.json", audit.audit_heads_json, name="audit-heads-json"),
    # The API list lives beside its page (core has no api/ package: core/api.py is the DRF glue).
    path("api/v1/audit/heads/", audit.PublishedHeadList.as_view(), name="api-audit-heads"),
    path("api/v1/todos/", todos.TodoList.as_view(), name="api-todos"),
]
