"""Progress of a scan: a one-line bar with rate and ETA on a terminal, periodic lines
elsewhere, nothing at all in quiet mode (cron)."""

from __future__ import annotations

import time
from typing import TextIO

__all__ = ["Progress"]


def _clock(seconds: float) -> str:
    seconds = int(max(0, seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class Progress:
    """``advance()`` per document; ``finish()`` at the end. Writes to ``out`` (stderr).

    :param mode: ``bar`` (redraw one line, for terminals), ``lines`` (a line every
        ``interval`` seconds, for logs), ``quiet`` (nothing).
    """

    def __init__(self, out: TextIO | None, mode: str = "bar", total: int | None = None, interval: float = 10.0) -> None:
        self.out = out
        self.mode = mode if out is not None else "quiet"
        self.total = total
        self.done = 0
        self.interval = interval if mode == "lines" else 0.2
        self._start = time.monotonic()
        self._last_draw = self._start if mode == "lines" else 0.0
        self._rate = 0.0
        self._last_t = self._start
        self._last_n = 0
        self.label = "检查"

    def set_total(self, total: int | None) -> None:
        self.total = total

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if self.mode == "quiet" or now - self._last_draw < self.interval:
            return
        self._update_rate(now)
        self._draw(now)

    def _update_rate(self, now: float) -> None:
        span = now - self._last_t
        if span <= 0:
            return
        current = (self.done - self._last_n) / span
        # Smooth over roughly the last ten seconds.
        weight = min(1.0, span / 10.0)
        self._rate = current if self._rate == 0 else self._rate + weight * (current - self._rate)
        self._last_t, self._last_n = now, self.done

    def line(self, now: float | None = None) -> str:
        now = time.monotonic() if now is None else now
        rate = self._rate or (self.done / max(1e-9, now - self._start))
        elapsed = _clock(now - self._start)
        if self.total:
            self.total = max(self.total, self.done)  # files found on the way (orphans)
            share = min(1.0, self.done / self.total)
            eta = _clock((self.total - self.done) / rate) if rate > 0 and self.done < self.total else "0:00"
            width = 24
            filled = int(share * width)
            bar = "█" * filled + "░" * (width - filled)
            return f"{self.label} {bar} {self.done}/{self.total} {share:4.0%} {rate:,.0f} 篇/秒 已用 {elapsed} 剩余 {eta}"
        return f"{self.label} {self.done} 篇 {rate:,.0f} 篇/秒 已用 {elapsed}"

    def _draw(self, now: float) -> None:
        assert self.out is not None
        self._last_draw = now
        if self.mode == "bar":
            self.out.write("\r\x1b[K" + self.line(now))
        else:
            self.out.write(self.line(now) + "\n")
        self.out.flush()

    def finish(self) -> None:
        if self.mode == "quiet" or self.out is None:
            return
        now = time.monotonic()
        self._rate = self.done / max(1e-9, now - self._start)
        if self.mode == "bar":
            self.out.write("\r\x1b[K" + self.line(now) + "\n")
        else:
            self.out.write(self.line(now) + "\n")
        self.out.flush()
