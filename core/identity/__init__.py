"""Single sign-on with the government-service portal (政务服务网统一身份认证) over OpenID
Connect, on mozilla-django-oidc: the provider's configuration (``config``), the verified claims
and what the session keeps of them (``claims``), the authentication backend (``backend``).
The writes are ``core/services/identity.py``; the pages ``core/views/portal.py``
(docs/architecture.md, "Identity")."""
