"""Read members of ZIP containers (DOCX, XLSX, OFD, plain archives) within limits.

Declared sizes can lie, so every read is bounded by what the limits allow, whatever the
central directory says; the uncompressed bytes of one input are counted against
``max_total_bytes``, nested archives included.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import IO

from .limits import Job
from .problems import ExtractionFailed

__all__ = ["ZipReader", "member_name", "is_encrypted"]

_BOMB_FLOOR = 1024 * 1024  # ratios of small members do not matter


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's real name: archives made on Chinese Windows store GBK names without the
    UTF-8 flag, which Python decodes as CP437."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    best, best_score = name, -1
    for encoding in ("utf-8", "gb18030"):  # short GBK names are often valid UTF-8 too
        try:
            decoded = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = sum(1 for ch in decoded if "\u4e00" <= ch <= "\u9fff")
        if score > best_score:
            best, best_score = decoded, score
    return best


def is_encrypted(info: zipfile.ZipInfo) -> bool:
    return bool(info.flag_bits & 0x1)


class _Bounded(io.RawIOBase):
    """A member stream that stops with FL005 past ``limit`` bytes and counts the budget."""

    def __init__(self, raw: IO[bytes], limit: int, job: Job, part: str) -> None:
        self._raw = raw
        self._limit = limit
        self._job = job
        self._part = part
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        want = self._limit + 1 - self.consumed if size is None or size < 0 else min(size, self._limit + 1 - self.consumed)
        try:
            data = self._raw.read(max(want, 0))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise ExtractionFailed("FL002", f"部件 {self._part} 无法解压：{exc}") from None
        self.consumed += len(data)
        self._job.budget[0] += len(data)
        if self.consumed > self._limit:
            raise ExtractionFailed("FL005", f"部件 {self._part} 解压后超过 {self._limit} 字节")
        if self._job.budget[0] > self._job.limits.max_total_bytes:
            raise ExtractionFailed("FL005", f"解压总量超过 {self._job.limits.max_total_bytes} 字节")
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


class ZipReader:
    """A ZIP container opened from bytes, read within the job's limits."""

    def __init__(self, data: bytes, job: Job, *, kind: str = "压缩包") -> None:
        self.job = job
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(data))
            self.infos = [i for i in self.zf.infolist()]
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as exc:
            raise ExtractionFailed("FL002", f"{kind}结构损坏或文件被截断：{exc}") from None
        self._by_name = {i.filename: i for i in self.infos}

    def has(self, name: str) -> bool:
        return name in self._by_name

    def info(self, name: str) -> zipfile.ZipInfo | None:
        return self._by_name.get(name)

    def _check(self, info: zipfile.ZipInfo, limit: int) -> None:
        part = member_name(info)
        if is_encrypted(info):
            raise ExtractionFailed("FL001", f"部件 {part} 设置了密码")
        if info.file_size > limit:
            raise ExtractionFailed("FL004", f"部件 {part} 解压后 {info.file_size} 字节，超过限制 {limit}")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _BOMB_FLOOR and ratio > self.job.limits.max_ratio:
            raise ExtractionFailed("FL005", f"部件 {part} 压缩比 {ratio:.0f}:1，超过限制 {self.job.limits.max_ratio:.0f}:1")

    def open(self, name: str | zipfile.ZipInfo, limit: int | None = None) -> _Bounded:
        """A bounded stream of one member (for streaming parsers)."""
        info = name if isinstance(name, zipfile.ZipInfo) else self._by_name.get(name)
        if info is None:
            raise ExtractionFailed("FL002", f"缺少部件 {name}")
        limit = self.job.limits.max_bytes if limit is None else limit
        self._check(info, limit)
        try:
            raw = self.zf.open(info)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as exc:
            raise ExtractionFailed("FL002", f"部件 {member_name(info)} 无法解压：{exc}") from None
        return _Bounded(raw, limit, self.job, member_name(info))

    def read(self, name: str | zipfile.ZipInfo, limit: int | None = None) -> bytes:
        """The whole member, bounded by ``limit`` (default ``max_bytes``)."""
        with self.open(name, limit) as stream:
            chunks = []
            while True:
                chunk = stream.read(1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        return b"".join(chunks)


#: The namespace of OOXML package relationships (``_rels/*.rels``).
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def office_main_part(zr: ZipReader, job: Job, default: str, missing: str) -> str:
    """The main part of an OOXML package (DOCX, XLSX): the target of the package's
    ``officeDocument`` relationship, else ``default``; ``missing`` is the FL002 message."""
    from .xmlsafe import parse_xml  # xmlsafe loads lxml: only OOXML files need it

    if zr.has("_rels/.rels"):
        root = parse_xml(zr.read("_rels/.rels", job.limits.max_xml_bytes), "_rels/.rels")
        for rel in root.iter(REL_NS + "Relationship"):
            if rel.get("Type", "").endswith("/officeDocument"):
                target = str(rel.get("Target", "")).lstrip("/")
                if zr.has(target):
                    return target
    if zr.has(default):
        return default
    raise ExtractionFailed("FL002", missing)
