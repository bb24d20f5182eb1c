"""Emulated open consoles for `make bench` (scripts/bench-console.sh): N clients doing what the page does, not N
browsers. Each follows the live feed the way EventSource does (GET /events/live, then again with Last-Event-ID after
`retry:`), and polls what the panels poll on the page's schedule: /status, /services and /deadletters every 2 s, the
messages every 10 s, with If-None-Match where the gateway gives an ETag. Runs until SIGTERM; prints the requests sent.
"""
import os
import signal
import sys
import threading
import time
import urllib.error
import urllib.request

GATEWAY = sys.argv[1]
CONSOLES = int(sys.argv[2]) if len(sys.argv) > 2 else 20
stop = threading.Event()
counts = {"feed": 0, "poll": 0, "errors": 0}
lock = threading.Lock()


def count(kind):
    with lock:
        counts[kind] += 1


def get(path, headers=None):
    request = urllib.request.Request(GATEWAY + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def follow_feed():
    position = None
    while not stop.is_set():
        try:
            status, _, body = get("/events/live", {"Last-Event-ID": position} if position else {})
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
    etags = {}
    tick = 0
    while not stop.is_set():
        paths = ["/status", "/services", "/deadletters?limit=200"] + (["/messages?limit=10000"] if tick % 5 == 0 else [])
        for path in paths:
            try:
                headers = {"If-None-Match": etags[path]} if path in etags else {}
                status, response_headers, _ = get(path, headers)
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
        threads.append(threading.Thread(target=follow_feed, daemon=True))
        threads.append(threading.Thread(target=poll_panels, args=(2 * index / CONSOLES,), daemon=True))
    for thread in threads:
        thread.start()
    while not stop.is_set():
        stop.wait(0.5)
    print(f"{CONSOLES} consoles: {counts['feed']} feed requests, {counts['poll']} panel requests, {counts['errors']} errors", flush=True)


if __name__ == "__main__":
    main()
