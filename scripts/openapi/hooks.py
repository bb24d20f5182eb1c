"""Schemathesis hooks of OrderShop (loaded through schemathesis.toml): a check that a refused request wrote nothing,
and references that exist for most valid orders, billings and inventory entries.

Every change in the shop is an event appended to one of the `events:{topic}_<action>` streams in Redis, so the
sum of their lengths counts what was written. It is read right before and right after each call (the run has one
worker, so nothing else writes in between: the reacting services record messages, never events), and a response
with a 4xx status whose call moved the count fails the run. Redis is `REDIS_URL` (the stack's), 127.0.0.1:6379
by default, as `make up` runs it.

Random ids in a valid body name entities that do not exist, so every valid order, billing and inventory entry would
be refused with 422 and the paths that reserve stock, bill and swap reservations would never run. So three in four
valid (positive) bodies of those operations get existing references: a customer and eight products with ample
stock made at the first call (through the API at `ORDERSHOP_GATEWAY`, http://127.0.0.1:5000 by default), orders and
products that this run created. The bodies stay schema-valid; the fourth keeps its random ids for the 422 path.
"""

import atexit
import json
import os
import socket
import urllib.request
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


GATEWAY = (os.environ.get("ORDERSHOP_GATEWAY") or "http://127.0.0.1:5000").rstrip("/")
FIXTURES: dict[str, object] = {}
ORDERS: list[str] = []      # orders this run created, for billings
UNSTOCKED: list[str] = []   # products this run created, without an inventory entry yet


def post(path: str, body) -> list[str]:
    request = urllib.request.Request(GATEWAY + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=20) as answer:
        return json.loads(answer.read())


def fixtures() -> dict[str, object]:
    if not FIXTURES:
        FIXTURES["customer"] = post("/customer", {"name": "Schemathesis", "email": "schemathesis@example.com"})[0]
        products = post("/products", [{"name": f"Fixture {n}", "price": 100 + n} for n in range(8)])
        post("/inventory", [{"product_id": product, "amount": 1_000_000_000} for product in products])
        FIXTURES["products"] = products
    return FIXTURES


def number(id: str) -> int:
    """A number from a generated id (its first eight hex digits), so a seed makes the same choices."""
    try:
        return int(id[:8], 16)
    except ValueError:
        return 0


def pick(choices: list[str], key: str) -> str | None:
    """One of `choices`, chosen by the generated id it replaces."""
    return choices[number(key) % len(choices)] if choices else None


def with_existing_references(method: str, path: str, draft) -> None:
    if not isinstance(draft, dict) or not path.startswith(("/order", "/billing", "/inventory")):
        return
    key = next((value for value in draft.values() if isinstance(value, str) and len(value) == 36), None)
    if key is None or number(key) % 4 == 0:
        return  # the fourth valid body keeps its random references: 422
    if path.startswith("/order") and path != "/orders/unbilled":
        references = fixtures()
        if "customer_id" in draft:
            draft["customer_id"] = references["customer"]
        if isinstance(draft.get("product_ids"), list):
            draft["product_ids"] = [pick(references["products"], id) if isinstance(id, str) and len(id) == 36 else id
                                    for id in draft["product_ids"]]
    elif path.startswith("/billing") and "order_id" in draft and ORDERS:
        draft["order_id"] = pick(ORDERS, key)
    elif path.startswith("/inventory") and "product_id" in draft and UNSTOCKED:
        draft["product_id"] = UNSTOCKED.pop() if method == "POST" else pick(UNSTOCKED, key)


@schemathesis.hook
def before_call(context, case, kwargs):
    meta = getattr(case, "meta", None)
    if case.method in ("POST", "PUT") and meta is not None and meta.generation.mode.is_positive:
        for draft in case.body if isinstance(case.body, list) else [case.body]:
            with_existing_references(case.method, case.path, draft)
    BEFORE[case.id] = events_written()


@schemathesis.hook
def after_call(context, case, response):
    if case.id in BEFORE:
        WRITTEN[case.id] = events_written() - BEFORE.pop(case.id)
    if case.method == "POST" and response.status_code == 200 and case.path in ("/order", "/orders", "/product", "/products"):
        ids = response.json()
        (ORDERS if case.path.startswith("/order") else UNSTOCKED).extend(ids[:50])


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
        lengths = REDIS.pipeline([("XLEN", stream) for stream in STREAMS])
        by_stream = ", ".join(f"{stream.removeprefix('events:')} {length}" for stream, length in zip(STREAMS, lengths) if length)
        print(f"no_event_from_a_refused_request: {len(WRITTEN)} calls measured, {len(REFUSED)} refused with 4xx; "
              f"{sum(lengths)} events in the stack's streams now ({by_stream})")
