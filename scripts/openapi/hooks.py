"""Schemathesis hooks of OrderShop (loaded through schemathesis.toml): a check that a refused request wrote nothing.

Every change in the shop is an event appended to one of the `events:{topic}_<action>` streams in Redis, so the
sum of their lengths counts what was written. It is read right before and right after each call (the run has one
worker, so nothing else writes in between: the reacting services record messages, never events), and a response
with a 4xx status whose call moved the count fails the run. Redis is `REDIS_URL` (the stack's), 127.0.0.1:6379
by default, as `make up` runs it.
"""

import atexit
import os
import socket
from urllib.parse import urlparse

import schemathesis

TOPICS = ("customer", "product", "inventory", "order", "billing")
ACTIONS = ("created", "updated", "deleted")
STREAMS = [f"events:{{{topic}}}_{action}" for topic in TOPICS for action in ACTIONS]


class Redis:
    """The few RESP commands this check needs, on one connection."""

    def __init__(self, url: str) -> None:
        parsed = urlparse(url)
        self.address = (parsed.hostname or "127.0.0.1", parsed.port or 6379)
        self.password = parsed.password
        self.user = parsed.username
        self.db = (parsed.path or "/0").lstrip("/") or "0"
        self.sock = None
        self.buffer = b""

    def connect(self) -> None:
        self.sock = socket.create_connection(self.address, timeout=10)
        self.buffer = b""
        if self.password:
            self.call(*(["AUTH", self.user, self.password] if self.user else ["AUTH", self.password]))
        if self.db != "0":
            self.call("SELECT", self.db)

    def call(self, *args):
        return self.pipeline([args])[0]

    def pipeline(self, commands):
        if self.sock is None:
            self.connect()
        out = b""
        for args in commands:
            out += b"*%d\r\n" % len(args)
            for arg in args:
                data = str(arg).encode()
                out += b"$%d\r\n%s\r\n" % (len(data), data)
        self.sock.sendall(out)
        return [self.read() for _ in commands]

    def line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("Redis closed the connection")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def read(self):
        line = self.line()
        kind, rest = line[:1], line[1:]
        if kind == b":":
            return int(rest)
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b"$":
            size = int(rest)
            if size < 0:
                return None
            while len(self.buffer) < size + 2:
                self.buffer += self.sock.recv(65536)
            data, self.buffer = self.buffer[:size], self.buffer[size + 2:]
            return data.decode()
        if kind == b"*":
            return [self.read() for _ in range(int(rest))]
        raise RuntimeError(f"unexpected reply {line!r}")


REDIS = Redis(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379")
BEFORE: dict[str, int] = {}
WRITTEN: dict[str, int] = {}
REFUSED: set[str] = set()


def events_written() -> int:
    """The number of events in the shop's streams now."""
    return sum(REDIS.pipeline([("XLEN", stream) for stream in STREAMS]))


@schemathesis.hook
def before_call(context, case, kwargs):
    BEFORE[case.id] = events_written()


@schemathesis.hook
def after_call(context, case, response):
    if case.id in BEFORE:
        WRITTEN[case.id] = events_written() - BEFORE.pop(case.id)


@schemathesis.check
def no_event_from_a_refused_request(ctx, response, case):
    """A request answered with 4xx must not have appended any event."""
    written = WRITTEN.get(case.id, 0)
    if 400 <= response.status_code < 500:
        REFUSED.add(case.id)
    if 400 <= response.status_code < 500 and written != 0:
        raise AssertionError(
            f"{case.method} {case.formatted_path} was refused with {response.status_code} but wrote {written} event(s)"
        )
    return None


@atexit.register
def summary() -> None:
    if WRITTEN:
        print(f"no_event_from_a_refused_request: {len(WRITTEN)} calls measured, {len(REFUSED)} refused with 4xx; "
              f"{events_written()} events in the stack's streams now")
