"""cuomin: find 错敏词 (erroneous and sensitive wording) in Chinese government web content.

::

    import cuomin
    checker = cuomin.Checker()                       # bundled national dictionary
    for f in checker.check_text("……", date="2024-05-01"):
        print(f.match, f.suggestions, f.explanation)

Nothing heavy happens at import: dictionaries are loaded when a Checker is built, jieba
only when a candidate needs a word-boundary check.
"""

from __future__ import annotations

from .checker import Checker, check_text
from .dictionary import CompiledDictionary, Entry, load_dictionary
from .errors import (
    ConfigError,
    CuominError,
    DictionaryError,
    DictionaryFormatError,
    InputError,
    RuleError,
)
from .extract import load_document
from .model import (
    Category,
    Document,
    DocumentMeta,
    Finding,
    Location,
    Part,
    Segment,
    Severity,
)
from .normalize import Normalized, Normalizer, default_normalizer
from .rules import DocumentContext, Hit, Rule, RuleContext

__version__ = "0.1.0"

__all__ = [
    "Category",
    "Checker",
    "CompiledDictionary",
    "ConfigError",
    "CuominError",
    "DictionaryError",
    "DictionaryFormatError",
    "Document",
    "DocumentContext",
    "DocumentMeta",
    "Entry",
    "Finding",
    "Hit",
    "InputError",
    "Location",
    "Normalized",
    "Normalizer",
    "Part",
    "Rule",
    "RuleContext",
    "RuleError",
    "Segment",
    "Severity",
    "check_text",
    "default_normalizer",
    "load_dictionary",
    "load_document",
    "__version__",
]
