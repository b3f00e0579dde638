"""Batch scans on Apache Spark (``cuomin scan --engine spark``; ``pip install 'cuomin[spark]'``).

The executors do what the local process pool does (``batch.worker``: extract, check),
with the dictionaries compiled once on the driver and shipped to them; the driver decides
and records with the ordinary scanner (``batch.runner``), so the ledger and the reports are
those of a local scan. See docs/distributed.md.

Importing this package does not import pyspark; building a session does.
"""

from .inputs import DriverInput, RowsInput, SparkInput, TreeInput, jdbc_input
from .scanner import SparkOptions, SparkScanner
from .session import spark_session

__all__ = [
    "DriverInput",
    "RowsInput",
    "SparkInput",
    "SparkOptions",
    "SparkScanner",
    "TreeInput",
    "jdbc_input",
    "spark_session",
]
