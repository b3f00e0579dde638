"""Dictionary layers: format, inheritance, compilation and cache."""

from .compiled import (
    CompiledDictionary,
    KeyInfo,
    LayerInfo,
    compile_stack,
    default_cache_dir,
    load_dictionary,
)
from .layers import LayerManifest, Level, bundled_layer_dir, resolve_stack
from .memo import CompileMemo
from .merge import MergedStack, Retraction, merge_layers
from .records import COLUMNS, Action, Change, Entry, Record, read_records

__all__ = [
    "COLUMNS",
    "Action",
    "Change",
    "CompileMemo",
    "CompiledDictionary",
    "Entry",
    "KeyInfo",
    "LayerInfo",
    "LayerManifest",
    "Level",
    "MergedStack",
    "Record",
    "Retraction",
    "bundled_layer_dir",
    "compile_stack",
    "default_cache_dir",
    "load_dictionary",
    "merge_layers",
    "read_records",
    "resolve_stack",
]
