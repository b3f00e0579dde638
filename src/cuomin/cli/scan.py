"""``cuomin scan``: check a site's whole history into a ledger (resumable, incremental)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from typing import Any

from ..batch import DEFAULT_LEDGER, Ledger, Progress, Scanner, ScanSettings, ScanSummary
from ..batch.config import ScanConfig, load_config
from ..batch.pool import default_jobs
from ..batch.sources import CrawlSource, Source, SqlSource, TreeSource, WarcSource
from ..batch.spark import cli as spark_cli
from ..errors import ConfigError

__all__ = ["add_parser", "run"]


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "scan",
        help="批量检查整个网站的历史文章（可中断续查、增量复查）",
        description=(
            "批量检查网站历史文章及其附件，结果记入台账（默认当前目录下的 SQLite 文件，也可用 PostgreSQL）。"
            "来源可以是导出的网站目录、http(s):// 起始网址（在线爬取）、WARC 文件，或 --sql 数据库查询。"
            "中断后再次运行同一命令即从中断处继续；词库变化后再次运行只复查受影响的内容。"
        ),
    )
    p.add_argument("sources", nargs="*", metavar="SOURCE", help="网站目录、起始网址或 .warc/.warc.gz 文件")
    p.add_argument("--ledger", default=os.environ.get("CUOMIN_LEDGER", DEFAULT_LEDGER),
                   help=f"台账：SQLite 文件路径或 postgresql:// 地址（默认 {DEFAULT_LEDGER}，或环境变量 CUOMIN_LEDGER）")  # fmt: skip
    p.add_argument("--config", help="扫描配置文件（TOML：站点、单位/栏目映射、爬取与数据库设置，见 docs/batch.md）")
    p.add_argument("--site", help="站点名称（默认取目录名或网址主机名）")
    p.add_argument("--base-url", help="目录来源：网站根目录对应的网址，用于生成文章网址")
    p.add_argument("--dict", dest="dicts", action="append", metavar="DIR", help="词库层目录，可多次指定（默认国家层）")
    p.add_argument("--cache-dir", help="编译词库缓存目录（默认 ~/.cache/cuomin）")
    p.add_argument("--select", default="", help="只报这些代码前缀，逗号分隔")
    p.add_argument("--ignore", default="", help="不报这些代码前缀，逗号分隔")
    p.add_argument("-j", "--jobs", type=int, default=default_jobs(), help="并行进程数（默认等于 CPU 核数）")
    p.add_argument("-q", "--quiet", action="store_true", help="不显示进度和汇总（适合定时任务）")
    p.add_argument("--progress", choices=("auto", "bar", "lines", "none"), default="auto",
                   help="进度显示：终端上默认进度条，否则每 10 秒一行")  # fmt: skip
    p.add_argument("--rescan", action="store_true", help="不读来源，用台账中保存的文本按当前词库复查")
    p.add_argument("--commit-size", type=int, default=200, metavar="N", help="每个数据库事务最多写入多少篇文档（默认 200）")
    p.add_argument("--keep-missing", action="store_true", help="来源中已不存在的文档不标记为已删除")
    p.add_argument("--reread", action="store_true",
                   help="目录来源：重新读取每个文件（默认跳过大小和修改时间都未变、且其他文件也未变的文章）")
    p.add_argument("--engine", choices=("local", "spark"), default="local",
                   help="local：本机进程池（默认）；spark：在 Spark 集群上提取和检查（见 docs/distributed.md）")  # fmt: skip
    g = p.add_argument_group("在线爬取")
    g.add_argument("--allow-host", action="append", default=[], metavar="HOST", help="允许爬取的主机（默认起始网址的主机）")
    g.add_argument("--max-depth", type=int, help="最大链接深度（默认 5）")
    g.add_argument("--max-pages", type=int, help="最多页面数（默认 10000）")
    g.add_argument("--rate", type=float, help="每秒请求数上限（默认 2）")
    g.add_argument("--no-link-check", action="store_true", help="不检查页面链接是否为死链")
    g = p.add_argument_group("数据库（CMS）")
    g.add_argument("--sql", metavar="URL", help="数据库地址（SQLAlchemy 格式，如 postgresql://user@host/cms）")
    g.add_argument("--query", help="查询语句，如 SELECT id, title, content FROM articles")
    g.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                   help="字段映射：id、body、title、date、unit、column、url，如 --map body=content")  # fmt: skip
    spark_cli.add_arguments(p)
    p.set_defaults(run=run)


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _source(args: argparse.Namespace, config: ScanConfig) -> Source:
    site = args.site or config.site
    sql = config.sql
    if args.sql or (not args.sources and sql.get("url")):
        columns = dict(sql.get("columns", {}))
        for pair in args.map:
            field, sep, column = pair.partition("=")
            if not sep or not field.strip() or not column.strip():
                raise ConfigError(f"--map 应为 字段=列名，而不是“{pair}”")
            columns[field.strip()] = column.strip()
        return SqlSource(args.sql or sql["url"], args.query or sql.get("query", ""), columns, site=site)
    if not args.sources:
        raise ConfigError("请指定来源：网站目录、起始网址、WARC 文件，或 --sql 数据库")
    first = args.sources[0]
    if first.startswith(("http://", "https://")):
        crawl = config.crawl
        return CrawlSource(
            args.sources,
            allow_hosts=args.allow_host or crawl.get("allow_hosts", ()),
            max_depth=args.max_depth if args.max_depth is not None else int(crawl.get("max_depth", 5)),
            max_pages=args.max_pages if args.max_pages is not None else int(crawl.get("max_pages", 10000)),
            rate=args.rate if args.rate is not None else float(crawl.get("rate", 2.0)),
            timeout=float(crawl.get("timeout", 20.0)),
            check_links=not args.no_link_check and bool(crawl.get("check_links", True)),
            site=site,
        )
    if any(s.lower().endswith((".warc", ".warc.gz")) for s in args.sources):
        return WarcSource(args.sources, site=site)
    if len(args.sources) > 1:
        raise ConfigError("一次只能检查一个网站目录；多个站点请分别运行")
    return TreeSource(first, site=site, base_url=args.base_url or config.base_url)


def _progress(args: argparse.Namespace) -> Progress:
    if args.quiet or args.progress == "none":
        return Progress(None, "quiet")
    mode = args.progress
    if mode == "auto":
        mode = "bar" if sys.stderr.isatty() else "lines"
    return Progress(sys.stderr, mode)


def _summary(s: ScanSummary) -> str:
    c = s.counts
    rate = s.documents / s.seconds if s.seconds > 0 else 0.0
    return (
        f"第 {s.run_id} 次检查（站点“{s.site}”{'，续查' if s.resumed else ''}）：文档 {s.documents} 篇"
        f"（检查 {c.get('docs_checked', 0)}，转载副本 {c.get('docs_copied', 0)}，增量复查 {c.get('docs_delta', 0)}，"
        f"未变 {c.get('docs_unchanged', 0)}，失败 {c.get('docs_failed', 0)}，已删除 {c.get('docs_missing', 0)}）；"
        f"新问题 {c.get('findings_new', 0)} 条，已消除 {c.get('findings_resolved', 0)} 条；"
        f"用时 {s.seconds:.1f} 秒（{rate:,.0f} 篇/秒）"
    )


def _terminate(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    if args.jobs < 1:
        raise ConfigError("--jobs 至少为 1")
    if args.commit_size < 1:
        raise ConfigError("--commit-size 至少为 1")
    settings = ScanSettings(
        dictionaries=tuple(args.dicts) if args.dicts else None,
        cache_dir=args.cache_dir,
        select=_split(args.select),
        ignore=_split(args.ignore),
        jobs=args.jobs,
        rules=config.rules,
        mark_missing=not args.keep_missing,
        commit_size=args.commit_size,
        reread=args.reread,
    )
    if args.engine == "spark" and not args.rescan:  # --rescan reads only the ledger: local
        return spark_cli.run(args, config, settings, _progress(args), lambda: _source(args, config), _summary)
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        with Ledger.open(args.ledger) as ledger:
            scanner = Scanner(ledger, settings, _progress(args))
            if args.rescan:
                summaries = scanner.rescan(args.site or config.site)
            else:
                summaries = [scanner.scan(_source(args, config))]
    finally:
        signal.signal(signal.SIGTERM, previous)
    if not args.quiet:
        for s in summaries:
            print(_summary(s), file=sys.stderr)
        print(f"台账：{args.ledger if '://' in args.ledger else Path(args.ledger).resolve()}", file=sys.stderr)
    return 0
