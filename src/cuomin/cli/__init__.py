"""Command line: ``cuomin <command> ...``. ``main(argv) -> int`` never calls sys.exit."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from .. import __version__
from ..errors import CuominError

__all__ = ["main", "run", "EXIT_OK", "EXIT_FINDINGS", "EXIT_USAGE"]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

# Command name → (module, one-line help). Each module has add_parser(subparsers) and
# run(args) -> int. Only the module of the command being run is imported: `cuomin check`
# must not pay for the batch scanner's database stack or the server's web framework.
_COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("check", "检查文件或标准输入"),
    "serve": ("serve", "启动发布前检查服务和编辑检查页面"),
    "dict": ("dict", "词库维护：检查、运行例句、解释、导入"),
    "scan": ("scan", "批量检查整个网站的历史文章（可中断续查、增量复查）"),
    "review": ("review", "审核批量检查发现的问题（确认、误报、已整改）"),
    "report": ("report", "从批量检查台账生成通报表格和问题清单（XLSX、HTML、CSV）"),
    "rules": ("rules", "列出所有已安装的规则"),
}


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so main() can return 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(f"{self.prog}: {message}")


class _UsageError(Exception):
    pass


def _chosen_command(argv: Sequence[str]) -> str | None:
    """The command named on the command line (first argument that is not an option)."""
    for arg in argv:
        if not arg.startswith("-"):
            return arg if arg in _COMMANDS else None
    return None


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``command``, only that command's module is imported and the other
    commands get a placeholder that lists them in ``--help``."""
    parser = _Parser(prog="cuomin", description="政府网站错敏词检查")
    parser.add_argument("--version", action="version", version=f"cuomin {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="输出调试日志")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (module_name, help_text) in _COMMANDS.items():
        if command is None or name == command:
            importlib.import_module(f"{__name__}.{module_name}").add_parser(sub)
        else:
            sub.add_parser(name, help=help_text)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    command = _chosen_command(args_list)
    parser = build_parser(command)
    try:
        args = parser.parse_args(args_list)
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
