"""Where documents come from: an exported tree, a live crawl, WARC files, a CMS database."""

from .base import LinkedLookup, Source
from .crawl import CrawlSource
from .sql import SqlSource
from .tree import TreeSource
from .warc import WarcSource

__all__ = ["CrawlSource", "LinkedLookup", "Source", "SqlSource", "TreeSource", "WarcSource"]
