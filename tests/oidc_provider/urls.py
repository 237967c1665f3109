"""The provider's pages: sign-in, DOT's endpoints under /o/, and a JWKS of another key with the
real key's id, for the tests of a forged signature."""
import json

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.urls import include, path
from jwcrypto import jwk
from oauth2_provider.utils import jwk_from_pem


def forged_jwks(request):
    real = jwk_from_pem(settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"])
    other = jwk.JWK.from_pem((settings.WORKDIR / "other.pem").read_bytes())
    data = json.loads(other.export_public())
    data.update({"alg": "RS256", "use": "sig", "kid": real.thumbprint()})
    return JsonResponse({"keys": [data]})


urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("forged/jwks.json", forged_jwks),
]
