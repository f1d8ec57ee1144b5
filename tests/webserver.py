"""A local news site for the web tests: fixture pages, feeds and the failure cases, served on
127.0.0.1 on a free port by a thread. Nothing here touches the internet."""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "web"
LAST_MODIFIED = formatdate(1_757_000_000, usegmt=True)
ROBOTS = "User-agent: *\nDisallow: /private/\n"
HUGE_BYTES = 50_000_000


class Site:
    """The server plus what it saw: requests per path and the headers of each request."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.headers: list[tuple[str, dict[str, str]]] = []
        self.overrides: dict[str, bytes] = {}  # path -> body, to change a page between runs
        self.extra_feed_items: list[str] = []
        self.slow_seconds = 3.0
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                site.hits[self.path] += 1
                site.headers.append((self.path, dict(self.headers.items())))
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client hung up
                    site.route(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> Site:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def feed(self, name: str) -> bytes:
        text = (FIXTURES / name).read_text(encoding="utf-8")
        for link in self.extra_feed_items:
            text = text.replace("</channel>", f"<item><title>x</title><link>{link}</link></item></channel>")
        return text.replace("{base}", self.base).encode("utf-8")

    def route(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path
        if path == "/robots.txt":
            return send(h, 200, ROBOTS.encode(), "text/plain")
        if path.startswith(("/news/", "/private/")):
            name = path.rsplit("/", 1)[-1]
            body = self.overrides.get(path)
            if body is None and (FIXTURES / name).is_file():
                body = (FIXTURES / name).read_bytes()
            if body is None:
                return send(h, 404, b"<h1>Not found</h1>", "text/html")
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            if h.headers.get("If-None-Match") == etag:
                return send(h, 304, b"", None, {"ETag": etag})
            return send(h, 200, body, "text/html; charset=utf-8", {"ETag": etag, "Last-Modified": LAST_MODIFIED})
        if path in ("/feed.xml", "/atom.xml"):
            kind = "application/rss+xml" if path == "/feed.xml" else "application/atom+xml"
            return send(h, 200, self.feed(path[1:]), kind)
        if path == "/not-a-feed.xml":
            return send(h, 200, b"<html><body><p>Oops, <b>no feed here</p></body></html>", "text/html")
        if path == "/moved":
            return send(h, 301, b"", None, {"Location": "/news/meta.html"})
        if path in ("/loop-a", "/loop-b"):
            return send(h, 302, b"", None, {"Location": "/loop-b" if path == "/loop-a" else "/loop-a"})
        if path == "/slow":
            time.sleep(self.slow_seconds)
            return send(h, 200, b"<html><body>late</body></html>", "text/html")
        if path == "/flaky":
            if self.hits[path] == 1:
                return send(h, 503, b"busy", "text/plain", {"Retry-After": "0"})
            return send(h, 200, (FIXTURES / "meta.html").read_bytes(), "text/html; charset=utf-8")
        if path == "/report.pdf":
            return send(h, 200, b"%PDF-1.4 not really", "application/pdf")
        if path in ("/huge", "/huge-declared"):
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            if path == "/huge-declared":
                h.send_header("Content-Length", str(HUGE_BYTES))
            h.end_headers()
            piece = b"<p>" + b"filler " * 9000 + b"</p>\n"
            sent = 0
            while sent < HUGE_BYTES:
                h.wfile.write(piece)
                sent += len(piece)
            return None
        return send(h, 404, b"<h1>Not found</h1>", "text/html")


def send(
    h: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str | None, headers: dict[str, str] | None = None
) -> None:
    h.send_response(status)
    if ctype:
        h.send_header("Content-Type", ctype)
    for key, value in (headers or {}).items():
        h.send_header(key, value)
    if status != 304:
        h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    if body:
        h.wfile.write(body)
