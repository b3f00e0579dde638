"""Legacy formats (.doc, .wps, .et, .rtf, ODF) through LibreOffice, when it is installed.

The conversion runs headless in a private profile and a temporary folder, with a time
limit after which the whole process group is killed. Without LibreOffice the file gets an
FL006 finding instead: it is never passed as clean.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .limits import Job
from .problems import ExtractionFailed

__all__ = ["find_soffice", "convert"]

log = logging.getLogger(__name__)


def find_soffice(configured: str | None = None) -> str | None:
    """The soffice program: the configured path, else ``soffice`` or ``libreoffice`` on PATH."""
    if configured:
        return configured if Path(configured).exists() else shutil.which(configured)
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(data: bytes, suffix: str, target: str, job: Job, what: str) -> bytes:
    """Convert ``data`` (a ``suffix`` file) to ``target`` (``docx`` or ``xlsx``).

    Raises FL006 when conversion is off or LibreOffice is missing, FL007 when it fails.
    """
    soffice = find_soffice(job.limits.soffice) if job.limits.convert else None
    if soffice is None:
        raise ExtractionFailed("FL006", f"{what}，未找到 LibreOffice" if job.limits.convert else f"{what}，已关闭转换")
    with tempfile.TemporaryDirectory(prefix="cuomin-convert-") as tmp:
        folder = Path(tmp)
        source = folder / f"input{suffix}"
        source.write_bytes(data)
        outdir = folder / "out"
        cmd = [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            str(source),
        ]
        try:
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                cwd=tmp,
            )
        except OSError as exc:
            raise ExtractionFailed("FL007", f"无法启动 LibreOffice：{exc}") from None
        try:
            _out, err = proc.communicate(timeout=job.limits.convert_seconds)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise ExtractionFailed("FL007", f"LibreOffice 转换超过 {job.limits.convert_seconds:g} 秒") from None
        result = outdir / f"input.{target}"
        if proc.returncode != 0 or not result.is_file():
            log.debug("soffice failed (%s): %s", proc.returncode, err.decode("utf-8", "replace")[-500:])
            raise ExtractionFailed("FL007", f"{what}，LibreOffice 未能转换（退出码 {proc.returncode}）")
        return result.read_bytes()
