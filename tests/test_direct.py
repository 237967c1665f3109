"""Framing a relayed frame once and writing it on Daphne's connections (core/direct.py)."""
from __future__ import annotations

import functools

from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from core.direct import daphne_writer, text_frame


def parse(data: bytes) -> Frame:
    reader = StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    parser = Frame.parse(reader.read_exact, mask=False)
    try:
        next(parser)
    except StopIteration as done:
        return done.value
    raise AssertionError("incomplete frame")


def test_frames_of_every_length_class_parse_as_the_text_they_carry():
    for text in ("", "x" * 125, "竞价" * 21, "y" * 126, "z" * 65535, "w" * 65536 + "价"):
        frame = parse(text_frame(text))
        assert frame.opcode is Opcode.TEXT and frame.fin and frame.data.decode() == text


class Transport:
    def __init__(self, accepts):
        self.accepts, self.sent, self.buffered = accepts, b"", []
        self.connected, self.disconnecting, self.TLS = True, False, False
        self._tempDataBuffer, self.dataBuffer, self.offset = [], b"", 0
        self.socket = self

    def send(self, data):
        taken = data[:self.accepts]
        self.sent += taken
        return len(taken)

    def write(self, data):
        self._tempDataBuffer.append(data)


class Protocol:
    STATE_OPEN = 3

    def __init__(self, transport):
        self.state, self.send_queue, self.transport = 3, [], transport

    def handle_reply(self, message):   # what Daphne's send is bound to
        raise AssertionError("not used")


def writer(transport):
    protocol = Protocol(transport)
    return protocol, daphne_writer(functools.partial(protocol.handle_reply, protocol))


def test_only_daphnes_send_gets_a_writer():
    async def send(message):
        pass
    assert daphne_writer(send) is None
    assert daphne_writer(functools.partial(print, "x")) is None
    assert writer(Transport(10))[1] is not None


def test_a_frame_goes_to_the_socket_and_what_it_does_not_take_to_the_buffer_in_order():
    transport = Transport(accepts=4)
    _protocol, write = writer(transport)
    assert write(b"abcdefgh") is True
    assert transport.sent == b"abcd" and transport._tempDataBuffer == [b"efgh"]
    assert write(b"ijkl") is True   # something is buffered: queued behind it, never before
    assert transport.sent == b"abcd" and transport._tempDataBuffer == [b"efgh", b"ijkl"]


def test_a_connection_not_open_is_left_to_the_ordinary_send():
    transport = Transport(accepts=100)
    protocol, write = writer(transport)
    protocol.send_queue.append(b"queued by autobahn")
    assert write(b"x") is False
    protocol.send_queue.clear()
    protocol.state = 4   # closing
    assert write(b"x") is False
    protocol.state, transport.disconnecting = 3, True
    assert write(b"x") is False and transport.sent == b""


def test_an_auction_answer_is_written_directly_when_the_server_allows_it_else_sent():
    import asyncio

    from bidding.consumers import AuctionConsumer

    consumer, written, sent = AuctionConsumer(), [], []

    async def base_send(message):
        sent.append(message)

    consumer.base_send = base_send
    consumer.direct_write = lambda framed: written.append(framed) or True
    asyncio.run(consumer.send_json({"type": "bid.accepted", "seq": 3, "value": "九"}))
    assert [parse(f).data.decode() for f in written] == [
        '{"type":"bid.accepted","seq":3,"value":"九"}']
    assert sent == []
    consumer.direct_write = lambda framed: False   # closing, or Twisted holds data
    asyncio.run(consumer.send_json({"type": "pong"}))
    assert sent == [{"type": "websocket.send", "text": '{"type":"pong"}'}]
