"""The dictionaries shipped to executors: compiled once on the driver, loaded there.

The driver compiles the dictionary stack into its cache (``CheckContext`` does that) and
packs, into one zip, the compiled folder of this stack and the layer folders themselves
(the checker reads the layer files to find the compiled form by their hash; delta rechecks
read entries). ``SparkContext.addFile`` sends the zip to every executor; the first Python
worker on a node unpacks it next to Spark's copy, and every worker builds its checker from
it with ``init_worker``: it loads the automaton, it does not compile it.

Layer folders keep their positions relative to each other, so a ``parent`` given as a
relative path or as a sibling folder's name resolves on the executor as on the driver.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from ...dictionary.compiled import default_cache_dir
from ...dictionary.layers import resolve_stack
from ..metadata import MetaRules
from ..worker import WorkerConfig, init_worker

__all__ = ["Bundle", "build_bundle", "ensure_worker", "open_bundle"]

log = logging.getLogger(__name__)
_DONE: Final = ".complete"


@dataclass(frozen=True, slots=True)
class Bundle:
    """What an executor needs to build its checker. Small: it travels with every task."""

    name: str  # the zip's file name (SparkFiles.get(name))
    digest: str  # of the zip's content: the unpacked folder's name
    dictionaries: tuple[str, ...] | None  # layer folders relative to the unpacked root; None: bundled
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    rules: MetaRules = field(default_factory=MetaRules)
    compiled: bool = True  # the zip holds the compiled stack (else executors compile it)


def _layer_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def build_bundle(
    dictionaries: tuple[str, ...] | None, cache_dir: str | None, fingerprint: str, workdir: Path,
    *, select: tuple[str, ...] = (), ignore: tuple[str, ...] = (), rules: MetaRules | None = None,
) -> tuple[Path, Bundle]:  # fmt: skip
    """Pack the layers and the compiled stack ``fingerprint`` into ``workdir``."""
    members: list[tuple[str, Path]] = []  # (name in the zip, file)
    relative: tuple[str, ...] | None = None
    if dictionaries:
        chain = resolve_stack([Path(p) for p in dictionaries])
        root = Path(os.path.commonpath([str(m.path.parent) for m in chain]))
        for manifest in chain:
            rel = manifest.path.relative_to(root).as_posix()
            members += [(f"layers/{rel}/{f.name}", f) for f in _layer_files(manifest.path)]
        relative = tuple(f"layers/{Path(p).resolve().relative_to(root).as_posix()}" for p in dictionaries)
    compiled = Path(cache_dir or default_cache_dir()) / "compiled" / fingerprint[:40]
    has_compiled = (compiled / "table.marshal").is_file()
    if has_compiled:
        members += [(f"cache/compiled/{fingerprint[:40]}/{f.name}", f) for f in _layer_files(compiled)]
    else:
        log.warning("compiled dictionary %s not found: every executor will compile it", compiled)
    digest = hashlib.blake2b(digest_size=12)
    for name, path in sorted(members):
        digest.update(name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    hexdigest = digest.hexdigest()
    target = workdir / f"cuomin-dictionaries-{hexdigest}.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, path in sorted(members):
            zf.write(path, name)
    bundle = Bundle(target.name, hexdigest, relative, tuple(select), tuple(ignore), rules or MetaRules(), has_compiled)
    return target, bundle


def open_bundle(zip_path: Path, digest: str) -> Path:
    """Unpack once per node (workers racing here all end up with the same folder)."""
    target = zip_path.parent / f"cuomin-{digest}"
    if (target / _DONE).is_file():
        return target
    tmp = Path(tempfile.mkdtemp(prefix=".cuomin-unpack-", dir=zip_path.parent))
    try:
        with zipfile.ZipFile(zip_path) as zf:
            for info in zf.infolist():
                name = Path(info.filename)
                if name.is_absolute() or ".." in name.parts:
                    raise ValueError(f"unexpected member {info.filename!r} in {zip_path}")
            zf.extractall(tmp)
        (tmp / "cache").mkdir(exist_ok=True)  # jieba's cache goes here too
        (tmp / _DONE).touch()
        try:
            os.replace(tmp, target)
        except OSError:  # another worker got there first
            if not (target / _DONE).is_file():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def worker_config(bundle: Bundle, root: Path) -> WorkerConfig:
    paths = tuple(str(root / p) for p in bundle.dictionaries) if bundle.dictionaries is not None else None
    return WorkerConfig(dictionaries=paths, cache_dir=str(root / "cache"), select=bundle.select,
                        ignore=bundle.ignore, rules=bundle.rules)  # fmt: skip


_ready: Bundle | None = None


def ensure_worker(bundle: Bundle, zip_path: Path | None = None) -> None:
    """Build this Python worker's checker from the bundle, once (Spark reuses workers)."""
    global _ready
    if _ready == bundle:
        return
    if zip_path is None:
        from pyspark import SparkFiles

        zip_path = Path(SparkFiles.get(bundle.name))
    root = open_bundle(zip_path, bundle.digest)
    init_worker(worker_config(bundle, root))
    _ready = bundle
