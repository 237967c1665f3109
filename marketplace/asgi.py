"""ASGI entry point served by Daphne: HTTP through Django, WebSockets through Channels.

Django is set up (``get_asgi_application``) before the Channels stack and the consumers are
imported, since those import models: the order Channels' documentation prescribes.

``DirectWrites`` lets the live auction write a relayed frame straight to each Daphne
connection (``core/direct.py``). ``LoopbackOnlyWithDevelopmentKey`` wraps it all: with the public development key (no
``SECRET_KEY`` set, the `make run` default) a request that arrives on an address other than
loopback is refused with 503 and a text saying why, so a development setup exposed to a
network serves nothing signed with a key everyone knows.
"""
import gc
import ipaddress
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from bidding.routing import websocket_urlpatterns as auction_routes  # noqa: E402
from core.direct import DirectWrites  # noqa: E402
from notifications.routing import websocket_urlpatterns as notification_routes  # noqa: E402

REFUSAL = ("503 Service Unavailable: this server runs with the public development key "
           "(SECRET_KEY is not set) and answers only on a loopback address (127.0.0.1, ::1). "
           "Set SECRET_KEY and DEBUG=0 to serve on a network.\n"
           "未设置 SECRET_KEY（开发配置）：仅允许本机回环地址访问。\n").encode()


def is_loopback(host) -> bool:
    """``host`` (an ASGI ``scope["server"]`` host) is a loopback address."""
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(str(host).strip("[]")).is_loopback
    except ValueError:
        return False


class LoopbackOnlyWithDevelopmentKey:
    """Refuse (HTTP 503, WebSocket close 1013 "try again later") every connection received on a
    non-loopback address while ``SECRET_KEY`` is the public development key. A server without
    an address (a Unix socket, ``scope["server"]`` None) is left alone."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        server = scope.get("server")
        if (scope["type"] in ("http", "websocket") and server
                and settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY
                and not is_loopback(server[0])):
            if scope["type"] == "http":
                await send({"type": "http.response.start", "status": 503,
                            "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
                await send({"type": "http.response.body", "body": REFUSAL})
            else:
                await receive()  # websocket.connect
                await send({"type": "websocket.close", "code": 1013})
            return
        await self.app(scope, receive, send)


application = LoopbackOnlyWithDevelopmentKey(DirectWrites(ProtocolTypeRouter({
    "http": django_asgi_app,
    "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(
        auction_routes + notification_routes))),
})))
# Everything imported so far (Django, Oscar, DRF, the apps: hundreds of thousands of objects)
# lives as long as the process: moved out of the collector's generations, a full collection
# no longer walks it. With a thousand live-auction connections such collections had stalled
# the server loop by a few hundred ms now and then (bench/bidding.py: ack p99 at 100 bids/s
# 260–330 ms in some runs without, 101–115 ms with).
gc.freeze()
