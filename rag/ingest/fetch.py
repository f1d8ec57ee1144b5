"""A polite HTTP client for news pages and feeds, on the standard library.

Polite means: a user agent that names the project, robots.txt obeyed (and its Crawl-delay),
a pause between requests to the same host, timeouts, a few retries with exponential back-off
for failures that may pass (timeouts, refused connections, 429 and 5xx, honouring Retry-After),
a size limit enforced while reading, and conditional requests (ETag / Last-Modified) so an
unchanged page costs the server a 304. Every failure is a `FetchError` whose message is one line.
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.error
import urllib.request
import urllib.robotparser
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

USER_AGENT = "rag-news-assistant/0.1 (question answering over news articles; polite fetcher; +robots.txt obeyed)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/feed+json",
)
RETRY_STATUS = (429, 500, 502, 503, 504)
MAX_BYTES = 5_000_000
MAX_RETRY_AFTER = 30.0


class FetchError(Exception):
    """A page or feed that could not be fetched; the message says what happened, in one line."""


@dataclass(frozen=True)
class Response:
    """A fetched resource; `status` is 304 (and `body` empty) when the copy we hold is current."""

    url: str  # after redirects
    status: int
    body: bytes
    content_type: str
    charset: str | None
    etag: str | None
    last_modified: str | None
    fetched: str  # ISO time, UTC

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def retry_delay(attempt: int, backoff: float, retry_after: str | None = None) -> float:
    """Seconds to wait before retry number `attempt` (1, 2, ...): the server's Retry-After when
    it gives one in seconds (capped), else `backoff` doubled each time.

    >>> retry_delay(1, 0.5), retry_delay(3, 0.5), retry_delay(1, 0.5, "7"), retry_delay(1, 0.5, "soon")
    (0.5, 2.0, 7.0, 0.5)
    """
    if retry_after and retry_after.strip().isdigit():
        return min(float(retry_after), MAX_RETRY_AFTER)
    return backoff * 2 ** (attempt - 1)


@dataclass
class Fetcher:
    """Fetches with the manners described above; keeps robots.txt and per-host timing in memory."""

    user_agent: str = USER_AGENT
    timeout: float = 15.0
    retries: int = 2
    backoff: float = 1.0
    max_bytes: int = MAX_BYTES
    max_seconds: float = 60.0  # for one whole download: `timeout` alone would let a trickle go on
    delay: float = 1.0  # seconds between two requests to one host (robots.txt may ask for more)
    robots: bool = True
    _robots: dict[str, urllib.robotparser.RobotFileParser | None] = field(default_factory=dict, repr=False)
    _last: dict[str, float] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def get(
        self,
        url: str,
        accept: tuple[str, ...] = HTML_TYPES,
        etag: str | None = None,
        last_modified: str | None = None,
        check_type: bool = True,
    ) -> Response:
        """`url`'s body if its content type is one of `accept` (asked for in any case; refused
        otherwise unless `check_type` is false); a 304 Response when `etag` or `last_modified`
        show our copy is current. Raises FetchError."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise FetchError(f"{url}: not an http(s) URL")
        if self.robots and not self.allowed(url):
            raise FetchError(f"{url}: robots.txt of {parts.netloc} asks robots not to fetch it")
        headers = {"User-Agent": self.user_agent, "Accept": ", ".join((*accept, "*/*;q=0.1"))}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._once(url, headers, accept if check_type else ())
            except _Retryable as exc:
                if attempt > self.retries:
                    raise FetchError(f"{url}: {exc.reason} (tried {attempt} times)") from None
                wait = retry_delay(attempt, self.backoff, exc.retry_after)
                log.info("%s: %s; retrying in %.1f s", url, exc.reason, wait)
                time.sleep(wait)

    def _once(self, url: str, headers: dict[str, str], accept: tuple[str, ...]) -> Response:
        self._wait_turn(urlsplit(url).netloc)
        deadline = time.monotonic() + self.max_seconds
        request = urllib.request.Request(url, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                info: Message = reply.headers
                ctype = (info.get_content_type() or "").lower()
                if accept and ctype not in accept:
                    raise FetchError(f"{url}: content type {ctype or 'missing'}, expected {' or '.join(accept[:2])}")
                length = info.get("Content-Length")
                if length and length.isdigit() and int(length) > self.max_bytes:
                    raise FetchError(f"{url}: {int(length):,} bytes is over the {self.max_bytes:,}-byte limit")
                body = _read_limited(reply, self.max_bytes, url, deadline)
                return Response(
                    url=reply.geturl(),
                    status=reply.status,
                    body=body,
                    content_type=ctype,
                    charset=info.get_content_charset(),
                    etag=info.get("ETag"),
                    last_modified=info.get("Last-Modified"),
                    fetched=now_iso(),
                )
        except urllib.error.HTTPError as exc:
            if exc.code == 304:
                return Response(
                    url, 304, b"", "", None, exc.headers.get("ETag"), exc.headers.get("Last-Modified"), now_iso()
                )
            if exc.code in RETRY_STATUS:
                raise _Retryable(f"HTTP {exc.code} {exc.reason}", exc.headers.get("Retry-After")) from None
            if 300 <= exc.code < 400:
                raise FetchError(f"{url}: redirect loop (or too many redirects)") from None
            raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise _Retryable(f"timed out after {self.timeout:g} s") from None
            raise _Retryable(f"cannot connect ({exc.reason})") from None
        except TimeoutError:
            raise _Retryable(f"timed out after {self.timeout:g} s") from None
        except (ConnectionError, OSError) as exc:
            raise _Retryable(f"connection failed ({exc})") from None

    def _wait_turn(self, host: str) -> None:
        """Sleep until `delay` (or the host's Crawl-delay) has passed since its last request."""
        with self._lock:
            parser = self._robots.get(host)
            crawl_delay = parser.crawl_delay(self.user_agent) if parser else None
            gap = max(self.delay, min(float(crawl_delay or 0), MAX_RETRY_AFTER))
            wait = self._last.get(host, -1e9) + gap - time.monotonic()
            self._last[host] = time.monotonic() + max(wait, 0)
        if wait > 0:
            time.sleep(wait)

    def allowed(self, url: str) -> bool:
        """Does the host's robots.txt let this user agent fetch `url`? No robots.txt, or one that
        cannot be fetched, allows everything; 401/403 on robots.txt forbids everything."""
        parts = urlsplit(url)
        host = parts.netloc
        if host not in self._robots:
            self._robots[host] = self._read_robots(f"{parts.scheme}://{host}/robots.txt")
        parser = self._robots[host]
        return parser is None or parser.can_fetch(self.user_agent, url)

    def _read_robots(self, robots_url: str) -> urllib.robotparser.RobotFileParser | None:
        parser = urllib.robotparser.RobotFileParser(robots_url)
        request = urllib.request.Request(robots_url, headers={"User-Agent": self.user_agent})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                lines = _read_limited(reply, 500_000, robots_url).decode("utf-8", "replace").splitlines()
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403):
                parser.parse(["User-agent: *", "Disallow: /"])
                return parser
            return None
        except (urllib.error.URLError, OSError, FetchError) as exc:
            log.info("no robots.txt at %s (%s): treating everything as allowed", robots_url, exc)
            return None
        parser.parse(lines)
        return parser


class _Retryable(Exception):
    def __init__(self, reason: str, retry_after: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def _read_limited(reply: object, limit: int, url: str, deadline: float | None = None) -> bytes:
    """At most `limit` bytes of the body; FetchError as soon as it is longer, or when `deadline`
    (a `time.monotonic()` value) passes before it is all read."""
    parts: list[bytes] = []
    size = 0
    while True:
        if deadline is not None and time.monotonic() > deadline:
            raise FetchError(f"{url}: still downloading after the time allowed; not indexed")
        piece = reply.read(65536)  # type: ignore[attr-defined]
        if not piece:
            return b"".join(parts)
        size += len(piece)
        if size > limit:
            raise FetchError(f"{url}: larger than the {limit:,}-byte limit; not downloaded")
        parts.append(piece)
