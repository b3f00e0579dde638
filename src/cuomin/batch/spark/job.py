"""The script ``spark-submit`` runs: ``cuomin scan --engine spark`` with the given arguments.

spark-submit wants a Python file; this one is inside the installed package::

    spark-submit --master yarn ... "$(python -m cuomin.batch.spark.job --path)" /mnt/export/site --ledger postgresql://…
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--path"]:
        sys.stdout.write(__file__ + "\n")
        return 0
    from cuomin.cli import main as cli_main

    return cli_main(["scan", "--engine", "spark", *args])


if __name__ == "__main__":
    sys.exit(main())
