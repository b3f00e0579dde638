"""Command line: ``cuomin <command> ...``. ``main(argv) -> int`` never calls sys.exit."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from .. import __version__
from ..errors import CuominError
from . import check, report, review, rules, scan, serve
from . import dict as dict_tools

__all__ = ["main", "run", "EXIT_OK", "EXIT_FINDINGS", "EXIT_USAGE"]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

# Each command module has add_parser(subparsers) and run(args) -> int.
_COMMANDS = (check, serve, dict_tools, scan, review, report, rules)


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so main() can return 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(f"{self.prog}: {message}")


class _UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cuomin", description="政府网站错敏词检查")
    parser.add_argument("--version", action="version", version=f"cuomin {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="输出调试日志")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in _COMMANDS:
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="cuomin: %(message)s")
    try:
        result: int = args.run(args)
        return result
    except CuominError as exc:
        print(f"cuomin: 错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("cuomin: 已中断", file=sys.stderr)
        return 130


def run() -> None:
    """Console-script entry point."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:  # `cuomin check … | head`
        code = EXIT_OK
    sys.exit(code)
