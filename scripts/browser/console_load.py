"""Emulated open consoles for `make bench` (scripts/bench-console.sh): N clients doing what the page does, not N
browsers. Each follows the live feed the way EventSource does (GET /events/live, then again with Last-Event-ID after
`retry:`), and polls what the panels poll on the page's schedule: /status, /services and /deadletters every 2 s, the
messages every 10 s, with `Cache-Control: max-age=1` (5 for /services) and If-None-Match where the gateway gives an
ETag, each over its kept-alive connections as a browser does (one for the feed, one for the panels). Runs until
SIGTERM; prints the requests sent.
"""
import os
import signal
import sys
import threading
import time
import http.client
import urllib.parse

GATEWAY = sys.argv[1]
CONSOLES = int(sys.argv[2]) if len(sys.argv) > 2 else 20
KINDS = set(os.environ.get("CONSOLE_KINDS", "feed,status,services,deadletters,messages").split(","))
PANELS = {"status": "/status", "services": "/services", "deadletters": "/deadletters?limit=200"}
stop = threading.Event()
counts = {"feed": 0, "poll": 0, "errors": 0}
lock = threading.Lock()


def count(kind):
    with lock:
        counts[kind] += 1


class Connection:
    """One kept-alive HTTP/1.1 connection to the gateway, as a browser holds its few per host; opened again after
    an error or when the gateway closed it."""

    def __init__(self):
        url = urllib.parse.urlsplit(GATEWAY)
        self.host, self.port = url.hostname, url.port or 80
        self.connection = None

    def get(self, path, headers=None):
        for attempt in range(2):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
                self.connection.request("GET", path, headers=headers or {})
                response = self.connection.getresponse()
                body = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status, response.headers, body
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt == 1:
                    raise

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def follow_feed():
    connection = Connection()
    position = None
    while not stop.is_set():
        try:
            status, _, body = connection.get("/events/live", {"Last-Event-ID": position} if position else {})
            count("feed")
            retry = 100
            for line in body.decode().split("\n"):
                if line.startswith("id: "):
                    position = line[4:]
                elif line.startswith("retry: "):
                    retry = int(line[7:])
            stop.wait(retry / 1000)
        except Exception:
            count("errors")
            stop.wait(1)


def poll_panels(offset):
    stop.wait(offset)
    connection = Connection()
    etags = {}
    tick = 0
    while not stop.is_set():
        paths = [path for kind, path in PANELS.items() if kind in KINDS]
        if tick % 5 == 0 and "messages" in KINDS:
            paths.append("/messages/recent?limit=100")
        for path in paths:
            try:
                # As the page's getJSON: a shared reading up to a second old will do (five for /services).
                headers = {"Cache-Control": "max-age=5" if path == "/services" else "max-age=1"}
                if path in etags:
                    headers["If-None-Match"] = etags[path]
                status, response_headers, _ = connection.get(path, headers)
                if response_headers.get("ETag"):
                    etags[path] = response_headers["ETag"]
                count("poll")
            except Exception:
                count("errors")
        tick += 1
        stop.wait(2)


def main():
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    threads = []
    for index in range(CONSOLES):
        if "feed" in KINDS:
            threads.append(threading.Thread(target=follow_feed, daemon=True))
        threads.append(threading.Thread(target=poll_panels, args=(2 * index / CONSOLES,), daemon=True))
    for thread in threads:
        thread.start()
    while not stop.is_set():
        stop.wait(0.5)
    print(f"{CONSOLES} consoles: {counts['feed']} feed requests, {counts['poll']} panel requests, {counts['errors']} errors", flush=True)


if __name__ == "__main__":
    main()
