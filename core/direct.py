"""Writing one broadcast frame to a thousand WebSocket connections of a Daphne process.

A relayed frame (``core.broadcast.Relay``) is the same text for every local connection, and a
server's WebSocket frames are not masked, so its bytes on the wire are the same for all of them:
``text_frame`` builds them once per fan-out. Sent through the ASGI ``send`` of each connection,
the same text would instead be re-framed per connection by Channels, Daphne and autobahn (which
also formats a debug line per frame) and then buffered by Twisted, whose write registers the
socket with epoll and unregisters it once written: two ``epoll_ctl`` and a loop turn per
connection per frame. Profiled at 1,000 watchers, that was most of the server loop's time
(``bench/bidding.py``, "Where the time goes").

``DirectWrites`` (the outermost ASGI middleware of ``marketplace/asgi.py``) puts in a WebSocket
scope ``"direct_write"``: a function that writes such bytes on the connection itself, or
``None`` when the connection is not Daphne's (another server, the test communicator): callers
then use ``send`` as usual. The write goes straight to the socket only when nothing else is
waiting to go out on it (autobahn's queue and Twisted's buffers are empty), so frames never
overtake one another; otherwise, and for what the socket does not take at once, it is handed to
Twisted's buffer behind what is there. It answers ``False`` when the connection is not open
(closing, closed, TLS handled by Twisted): the caller falls back to ``send``, which knows what
to do with a closing connection.
"""
from __future__ import annotations

import functools
from collections.abc import Callable

DirectWrite = Callable[[bytes], bool]


def text_frame(text: str) -> bytes:
    """An unmasked, unfragmented WebSocket text frame (RFC 6455 §5.2) carrying ``text``."""
    payload = text.encode("utf-8")
    size = len(payload)
    if size < 126:
        head = bytes((0x81, size))
    elif size < 1 << 16:
        head = bytes((0x81, 126)) + size.to_bytes(2, "big")
    else:
        head = bytes((0x81, 127)) + size.to_bytes(8, "big")
    return head + payload


def daphne_writer(send) -> DirectWrite | None:
    """The direct writer of the connection behind ``send`` if Daphne serves it (its ``send`` is
    ``partial(Server.handle_reply, protocol)``), else ``None``."""
    if not (isinstance(send, functools.partial) and send.args
            and getattr(send.func, "__name__", "") == "handle_reply"):
        return None
    protocol = send.args[0]
    if not (hasattr(protocol, "send_queue") and hasattr(protocol, "STATE_OPEN")):
        return None
    return functools.partial(_write, protocol)


def _write(protocol, data: bytes) -> bool:
    transport = protocol.transport
    if (protocol.state != protocol.STATE_OPEN or protocol.send_queue or transport is None
            or not getattr(transport, "connected", False) or transport.disconnecting
            or getattr(transport, "TLS", False)):
        return False
    if transport._tempDataBuffer or len(transport.dataBuffer) > transport.offset:
        transport.write(data)          # behind what Twisted holds, in order
        return True
    try:
        sent = transport.socket.send(data)
    except (BlockingIOError, InterruptedError):
        sent = 0
    except OSError:
        return False                   # broken: Twisted notices and closes it
    if sent < len(data):
        transport.write(data[sent:])
    return True


class DirectWrites:
    """ASGI middleware: ``scope["direct_write"]`` for WebSocket connections (module docstring)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":
            scope = {**scope, "direct_write": daphne_writer(send)}
        await self.app(scope, receive, send)
