"""The other sources: a crawl of a site served on 127.0.0.1, WARC files, a CMS database.
Each is compared with a scan of the same pages as an exported tree."""

from __future__ import annotations

import functools
import http.server
import io
import shutil
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import select

from cuomin.batch import Ledger, Scanner, TreeSource
from cuomin.batch.ledger import schema
from cuomin.batch.sources import CrawlSource, SqlSource, WarcSource

from . import reference

BASE = "http://www.example.gov.cn/"


def _content(ledger: Ledger, prefix: str = "") -> dict[str, Counter[str]]:
    """Open findings per page path, without the link problems (those depend on the source)."""
    f, d = schema.findings, schema.documents
    out: dict[str, Counter[str]] = {}
    with ledger.engine.connect() as conn:
        for key, fp, code in conn.execute(
            select(d.c.key, f.c.fingerprint, f.c.code).join(f, f.c.document_id == d.c.id).where(f.c.resolved_run.is_(None))
        ):
            if not code.startswith("BT"):
                out.setdefault(key[len(prefix):] if key.startswith(prefix) else key, Counter())[fp] += 1
    return out


@pytest.fixture
def site(small_site: tuple[Path, list[Any], Path], tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(small_site[0], root)
    (root / "dead.html").write_text(
        '<html><head><title>测试页</title></head><body><p>再接再励。</p><a href="nothere.html">坏链接</a>'
        '<a href="files/gone.pdf">丢失的附件</a></body></html>', encoding="utf-8")  # fmt: skip
    index = root / "index.html"
    index.write_text(index.read_text(encoding="utf-8").replace("</body>", '<a href="dead.html">测试</a></body>'), encoding="utf-8")
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /wjw/\n", encoding="utf-8")
    return root


@pytest.fixture
def tree_findings(site: Path, settings_for: Any, tmp_path: Path) -> dict[str, Counter[str]]:
    with Ledger.open(tmp_path / "tree.sqlite") as ledger:
        Scanner(ledger, settings_for()).scan(TreeSource(site))
        return _content(ledger)


@pytest.fixture
def server(site: Path) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_crawl_of_a_live_site(server: str, site: Path, tree_findings: dict[str, Counter[str]], settings_for: Any,
                              tmp_path: Path) -> None:  # fmt: skip
    source = CrawlSource([server + "index.html"], rate=500, max_depth=3, max_pages=500)
    with Ledger.open(tmp_path / "crawl.sqlite") as ledger:
        Scanner(ledger, settings_for()).scan(source)
        got = _content(ledger, server)
        with ledger.engine.connect() as conn:
            keys = set(conn.execute(select(schema.documents.c.key)).scalars())
            problems = conn.execute(
                select(schema.documents.c.key, schema.findings.c.code, schema.findings.c.match)
                .join(schema.findings, schema.findings.c.document_id == schema.documents.c.id)
                .where(schema.findings.c.code.like("BT%"))
            ).all()
    assert keys and not any("/wjw/" in k for k in keys)  # robots.txt
    allowed = {k: v for k, v in tree_findings.items() if not k.startswith("wjw/") and quote(k) in {x[len(server):] for x in keys}}
    assert len(allowed) > 5
    for path, counter in allowed.items():
        assert got.get(quote(path), Counter()) == counter, path
    dead = {(k[len(server):], code, match) for k, code, match in problems}
    assert ("dead.html", "BT100", "nothere.html") in dead
    assert ("dead.html", "BT200", "gone.pdf") in dead
    # pages under /wjw/ are linked from the index but never fetched, so never judged dead
    assert not any("wjw" in m for _k, _c, m in dead)


def _warc(site: Path, path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    types = {".html": "text/html; charset=utf-8", ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".pdf": "application/pdf",
             ".txt": "text/plain"}  # fmt: skip
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for file in sorted(site.rglob("*")):
            if not file.is_file() or file.suffix not in types:
                continue
            url = BASE + quote(file.relative_to(site).as_posix())
            headers = StatusAndHeaders("200 OK", [("Content-Type", types[file.suffix])], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(file.read_bytes()), http_headers=headers))
        headers = StatusAndHeaders("404 Not Found", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(BASE + "nothere.html", "response", payload=io.BytesIO(b"gone"), http_headers=headers))


def test_warc_files(site: Path, tree_findings: dict[str, Counter[str]], settings_for: Any, tmp_path: Path) -> None:
    archive = tmp_path / "site.warc.gz"
    _warc(site, archive)
    with Ledger.open(tmp_path / "warc.sqlite") as ledger:
        summary = Scanner(ledger, settings_for()).scan(WarcSource([archive]))
        got = _content(ledger, BASE)
        with ledger.engine.connect() as conn:
            dead = conn.execute(select(schema.findings.c.match).where(schema.findings.c.code == "BT100")).scalars().all()
    assert summary.site == "www.example.gov.cn"
    assert {k: v for k, v in got.items()} == {quote(k): v for k, v in tree_findings.items()}
    assert dead == ["nothere.html"]


def test_cms_database(tmp_path: Path, settings_for: Any) -> None:
    db = tmp_path / "cms.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE art (aid INTEGER, headline TEXT, content TEXT, pub TEXT, dept TEXT, chan TEXT, link TEXT)")
        conn.executemany("INSERT INTO art VALUES (?,?,?,?,?,?,?)", [
            (1, "关于再接再励的通知", "<p>国土资源部印发通知。</p>", "2017-05-02", "市教育局", "通知公告", BASE + "a/1.html"),
            (2, "工作动态", "国土资源部印发通知。", "2020年6月1日", "市自然资源局", "工作动态", None),
            (3, "空白", None, None, None, None, None),
        ])  # fmt: skip
    source = SqlSource(f"sqlite:///{db}", "SELECT * FROM art ORDER BY aid",
                       {"id": "aid", "title": "headline", "body": "content", "date": "pub", "unit": "dept",
                        "column": "chan", "url": "link"})  # fmt: skip
    assert source.count() == 3
    with Ledger.open(tmp_path / "l.sqlite") as ledger:
        Scanner(ledger, settings_for()).scan(source)
        found = reference.matches(ledger)
        docs = {d["key"]: d for d in reference.documents(ledger)}
    assert docs["1"]["unit"] == "市教育局" and docs["1"]["column_name"] == "通知公告" and docs["1"]["url"] == BASE + "a/1.html"
    assert str(docs["2"]["date"]) == "2020-06-01"
    assert found["1"] == ["再接再励"]  # in the title; 国土资源部 was right in 2017
    assert found["2"] == ["国土资源部"]  # outdated by 2020
    assert "3" in docs and "3" not in found


def test_bad_sql_mapping_is_a_clear_error(tmp_path: Path, settings_for: Any) -> None:
    from cuomin.errors import ConfigError

    db = tmp_path / "cms.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE art (aid INTEGER, content TEXT)")
    source = SqlSource(f"sqlite:///{db}", "SELECT * FROM art", {"id": "aid", "body": "body_html"})
    with Ledger.open(tmp_path / "l.sqlite") as ledger, pytest.raises(ConfigError, match="body_html"):
        Scanner(ledger, settings_for()).scan(source)


def test_crawl_limits(server: str) -> None:
    pages = list(CrawlSource([server + "index.html"], rate=500, max_pages=3).items())
    assert len(pages) == 3
    only_start = list(CrawlSource([server + "index.html"], rate=500, max_depth=0, check_links=False).items())
    assert [p.key for p in only_start] == [server + "index.html"]
    other = CrawlSource([server + "index.html"], rate=500, allow_hosts=["www.example.gov.cn"])
    assert list(other.items()) == []  # the start URL's host is not allowed
