"""HTTP for the crawler: one polite client with a rate limit, robots.txt, size limits."""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request
import urllib.robotparser
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote, urlsplit

__all__ = ["Fetcher", "Response", "USER_AGENT"]

log = logging.getLogger(__name__)
USER_AGENT: Final = "cuomin-scan/0.1 (government website wording check)"
_LOOPBACK: Final = ("127.", "localhost", "[::1]", "::1")


@dataclass(frozen=True, slots=True)
class Response:
    url: str  # after redirects
    status: int  # 0: no answer (network error, timeout)
    content_type: str | None = None
    data: bytes | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300 and self.error is None


class Fetcher:
    """GET and HEAD with at most ``rate`` requests per second (or what robots.txt's
    Crawl-delay asks, if slower), a timeout and a size limit. robots.txt is fetched once per
    host and obeyed (RFC 9309: a 4xx robots.txt allows everything, an unreachable one
    forbids everything)."""

    def __init__(self, *, rate: float = 2.0, timeout: float = 20.0, max_bytes: int = 64 * 1024 * 1024,
                 user_agent: str = USER_AGENT, respect_robots: bool = True) -> None:  # fmt: skip
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.user_agent = user_agent
        self.respect_robots = respect_robots
        self._last = 0.0
        self._robots: dict[str, urllib.robotparser.RobotFileParser | bool] = {}
        self._delay: dict[str, float] = {}
        self.requests = 0
        direct = urllib.request.ProxyHandler({})
        self._direct = urllib.request.build_opener(direct)
        self._env = urllib.request.build_opener()

    def _wait(self, host: str) -> None:
        gap = max(self.interval, self._delay.get(host, 0.0))
        now = time.monotonic()
        if now < self._last + gap:
            time.sleep(self._last + gap - now)
        self._last = time.monotonic()

    def _open(self, url: str, method: str) -> Response:
        host = urlsplit(url).netloc
        self._wait(host)
        self.requests += 1
        opener = self._direct if host.startswith(_LOOPBACK) else self._env
        # Links to 附件.pdf are written with Chinese characters: send them percent-encoded.
        wire = quote(url, safe=":/?#[]@!$&'()*+,;=%~")
        request = urllib.request.Request(wire, method=method, headers={"User-Agent": self.user_agent})
        try:
            with opener.open(request, timeout=self.timeout) as resp:
                ctype = resp.headers.get("Content-Type")
                data = None
                if method == "GET":
                    data = resp.read(self.max_bytes + 1)
                    if len(data) > self.max_bytes:
                        return Response(resp.geturl(), resp.status, ctype, None, f"文件过大（超过 {self.max_bytes // (1024 * 1024)} MB）")
                return Response(resp.geturl(), resp.status, ctype, data)
        except urllib.error.HTTPError as exc:
            return Response(exc.geturl() or url, exc.code, None, None, f"HTTP {exc.code}")
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            return Response(url, 0, None, None, f"无法连接（{reason}）")

    def get(self, url: str) -> Response:
        return self._open(url, "GET")

    def status(self, url: str) -> Response:
        """HEAD, falling back to GET where HEAD is not allowed."""
        resp = self._open(url, "HEAD")
        if resp.status in (405, 501):
            resp = self._open(url, "GET")
        return resp

    def allowed(self, url: str) -> bool:
        if not self.respect_robots:
            return True
        parts = urlsplit(url)
        host = parts.netloc
        robots = self._robots.get(host)
        if robots is None:
            robots = self._load_robots(f"{parts.scheme}://{host}/robots.txt", host)
            self._robots[host] = robots
        if isinstance(robots, bool):
            return robots
        return robots.can_fetch(self.user_agent, url)

    def _load_robots(self, robots_url: str, host: str) -> urllib.robotparser.RobotFileParser | bool:
        resp = self.get(robots_url)
        if resp.status == 0 or resp.status >= 500:
            log.warning("%s unreachable (%s): not crawling %s", robots_url, resp.error, host)
            return False
        if resp.status >= 400 or resp.data is None:
            return True
        parser = urllib.robotparser.RobotFileParser(robots_url)
        parser.parse(resp.data.decode("utf-8", "replace").splitlines())
        delay = parser.crawl_delay(self.user_agent)
        if delay:
            self._delay[host] = float(delay)
        return parser
