"""Layer manifests and the resolution of a stack: national → province → city → county → unit."""

from __future__ import annotations

import enum
import hashlib
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import DictionaryError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["Level", "LayerManifest", "resolve_stack", "bundled_layer_dir", "stack_fingerprint", "MANIFEST_NAME"]

MANIFEST_NAME = "layer.toml"
_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class Level(str, enum.Enum):
    NATIONAL = "national"
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    UNIT = "unit"

    @property
    def rank(self) -> int:
        return list(Level).index(self)

    @property
    def label(self) -> str:
        return {"national": "国家", "province": "省", "city": "市", "county": "县", "unit": "单位"}[self.value]


@dataclass(frozen=True, slots=True)
class LayerManifest:
    """What ``layer.toml`` says about a layer, and where it lives."""

    name: str
    level: Level
    parent: str | None
    version: str
    authority: str
    description: str
    path: Path

    def table_files(self) -> list[Path]:
        return sorted(p for p in self.path.glob("*.csv") if p.is_file())

    def allow_file(self) -> Path | None:
        path = self.path / "allow.txt"
        return path if path.is_file() else None


def bundled_layer_dir(name: str) -> Path | None:
    """A layer shipped with cuomin: inside the wheel, or in the source checkout."""
    here = Path(__file__).resolve().parent.parent
    for base in (here / "_dictionaries", here.parent.parent / "dictionaries"):
        candidate = base / name
        if (candidate / MANIFEST_NAME).is_file():
            return candidate
    return None


def read_manifest(path: Path) -> LayerManifest:
    if not path.exists():
        raise DictionaryError(f"词库目录不存在：{path}")
    folder = path if path.is_dir() else path.parent
    manifest = folder / MANIFEST_NAME
    if not folder.is_dir():
        raise DictionaryError(f"词库目录不存在：{folder}")
    if not manifest.is_file():
        raise DictionaryError(f"{folder} 不是词库目录：缺少 {MANIFEST_NAME}（见 docs/dictionaries.md）")
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DictionaryError(f"{manifest}: 格式错误：{exc}") from None
    name = str(data.get("name", "")).strip()
    if not _NAME_RE.match(name):
        raise DictionaryError(f"{manifest}: name 只能用字母、数字、-、_，而不是“{name}”")
    try:
        level = Level(str(data.get("level", "")).strip())
    except ValueError:
        raise DictionaryError(
            f"{manifest}: level 应为 national、province、city、county 或 unit，而不是“{data.get('level', '')}”"
        ) from None
    parent = str(data.get("parent", "")).strip() or None
    if level is Level.NATIONAL and parent:
        raise DictionaryError(f"{manifest}: 国家层（national）不能有上级层")
    if level is not Level.NATIONAL and not parent:
        raise DictionaryError(f"{manifest}: {level.value} 层必须用 parent 指明上级层")
    return LayerManifest(
        name=name,
        level=level,
        parent=parent,
        version=str(data.get("version", "")),
        authority=str(data.get("authority", "")),
        description=str(data.get("description", "")),
        path=folder.resolve(),
    )


def _find_parent(child: LayerManifest) -> LayerManifest:
    ref = child.parent
    assert ref is not None
    candidates: list[Path] = []
    if "/" in ref or "\\" in ref or ref.startswith("."):
        candidates.append(child.path / ref)
    else:
        candidates.append(child.path.parent / ref)
        bundled = bundled_layer_dir(ref)
        if bundled is not None:
            candidates.append(bundled)
    for candidate in candidates:
        if (candidate / MANIFEST_NAME).is_file():
            parent = read_manifest(candidate)
            if "/" not in ref and not ref.startswith(".") and parent.name != ref:
                continue
            return parent
    raise DictionaryError(f"{child.path / MANIFEST_NAME}: 找不到上级层“{ref}”")


def resolve_stack(paths: Sequence[str | Path] | None) -> list[LayerManifest]:
    """The chain of layers from national down to the lowest given layer.

    ``paths`` are layer folders; each one's ancestors are found through ``parent``. Without
    paths the bundled national layer is used. The given layers must lie on one chain.
    """
    if not paths:
        national = bundled_layer_dir("national")
        if national is None:
            raise DictionaryError("找不到随 cuomin 发布的国家层词库（安装不完整？）")
        paths = [national]
    chains: list[list[LayerManifest]] = []
    for path in paths:
        chain = [read_manifest(Path(path))]
        seen = {chain[0].path}
        while chain[-1].parent is not None:
            parent = _find_parent(chain[-1])
            if parent.path in seen:
                names = " → ".join(m.name for m in chain)
                raise DictionaryError(f"词库继承关系成环：{names} → {parent.name}")
            if parent.level.rank >= chain[-1].level.rank:
                raise DictionaryError(
                    f"{chain[-1].path / MANIFEST_NAME}: 上级层“{parent.name}”（{parent.level.value}）"
                    f"的层级不高于本层（{chain[-1].level.value}）"
                )
            seen.add(parent.path)
            chain.append(parent)
        chains.append(list(reversed(chain)))
    longest = max(chains, key=len)
    for chain in chains:
        if [m.path for m in chain] != [m.path for m in longest[: len(chain)]]:
            raise DictionaryError(
                "指定的词库不在同一条继承链上："
                + "；".join(" → ".join(m.name for m in c) for c in chains)
            )
    layer_names = [m.name for m in longest]
    if len(set(layer_names)) != len(layer_names):
        raise DictionaryError(f"继承链中有重名的层：{' → '.join(layer_names)}")
    return longest


def _layer_files(manifest: LayerManifest) -> Iterable[Path]:
    yield manifest.path / MANIFEST_NAME
    yield from manifest.table_files()
    allow = manifest.allow_file()
    if allow is not None:
        yield allow


def stack_fingerprint(chain: Sequence[LayerManifest], salt: str) -> str:
    """A hash of every file of every layer, for the compiled-dictionary cache."""
    digest = hashlib.sha256(salt.encode())
    for manifest in chain:
        digest.update(f"\0layer\0{manifest.name}\0".encode())
        for path in _layer_files(manifest):
            digest.update(f"\0{path.name}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
