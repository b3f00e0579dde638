"""Generate an exported government site from real corpus text, with injected errors.

Used by the batch tests and by benchmarks/bench_scan.py. Articles are HTML pages under
``<unit>/<column>/t<YYYYMMDD>_<n>.html`` built from windows of ../shared/corpus text; some
carry an attachment (DOCX, XLSX, PDF when fpdf2 is installed, or TXT) and some are copies
(转载) of another article under another unit. Errors from tests/data/layers/mini are injected
in titles, bodies and attachments; what was injected is returned, the tests compare the
ledger against a checker run on the same files rather than against hard-coded counts.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import logging
import random
from dataclasses import dataclass, field
from pathlib import Path

#: Wrong forms from the mini layer that are errors on any date and need no word boundary.
INJECT = ("中华人民共合国", "习近瓶", "按步就班", "扫黑险恶", "再接再励", "共商国事", "台湾总统")
UNITS = (("jyj", "市教育局"), ("wjw", "市卫生健康委员会"), ("zrzyj", "市自然资源局"), ("gaj", "市公安局"))
COLUMNS = (("tzgg", "通知公告"), ("gzdt", "工作动态"))


@dataclass
class Article:
    path: str  # relative, posix
    unit: str
    column: str
    date: dt.date
    title: str
    injected: list[str] = field(default_factory=list)
    attachment: str | None = None
    copy_of: str | None = None


def corpus_text(corpus: Path) -> str:
    parts = [p.read_text(encoding="utf-8") for p in sorted((corpus / "gov-reports").glob("*.txt"))]
    return "\n".join(parts)


def _window(text: str, rng: random.Random, size: int) -> str:
    start = rng.randrange(0, max(1, len(text) - size))
    return text[start : start + size]


def _paragraphs(body: str) -> list[str]:
    paras = [p.strip() for p in body.replace("\r", "").split("\n") if p.strip()]
    return paras or [body]


def page_html(title: str, date: dt.date, paragraphs: list[str], links: list[tuple[str, str]]) -> str:
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    anchors = "\n".join(f'<p>附件：<a href="{html.escape(href)}">{html.escape(text)}</a></p>' for href, text in links)
    return (
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title>"
        f'<meta name="PubDate" content="{date.isoformat()} 09:00">'
        "</head><body><div class=\"nav\"><a href=\"/index.html\">首页</a></div>"
        f"<div class=\"article\"><h1>{html.escape(title)}</h1>{body}</div>{anchors}"
        "<div class=\"footer\">主办单位：示例市人民政府办公室</div></body></html>"
    )


def make_docx(lines: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_xlsx(lines: list[str]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["序号", "内容"])
    for i, line in enumerate(lines, 1):
        ws.append([i, line])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def make_pdf(lines: list[str]) -> bytes | None:
    """A one-page PDF with a CJK font, or None when fpdf2 or the font is missing."""
    try:
        from fpdf import FPDF
    except ModuleNotFoundError:
        return None
    logging.getLogger("fpdf").setLevel(logging.ERROR)  # the font lacks Latin digits: harmless
    fonts = [p for p in ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
                         "/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf") if Path(p).is_file()]  # fmt: skip
    if not fonts:
        return None
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("cjk", "", fonts[0])
    pdf.add_page()
    pdf.set_font("cjk", size=11)
    y = 60.0
    for line in lines:
        for i in range(0, len(line), 40):
            pdf.text(x=50, y=y, text=line[i : i + 40])
            y += 17
            if y > 800:
                pdf.add_page()
                y = 60.0
    return bytes(pdf.output())


def _inject(paragraphs: list[str], rng: random.Random, term: str) -> None:
    i = rng.randrange(len(paragraphs))
    p = paragraphs[i]
    cut = rng.randrange(len(p) + 1)
    # Sentence punctuation around the term keeps it from fusing with corpus words.
    paragraphs[i] = f"{p[:cut]}。{term}，{p[cut:]}"


def build_site(
    root: Path,
    corpus: Path,
    n: int,
    *,
    seed: int = 7,
    min_kb: int = 5,
    max_kb: int = 20,
    attach_every: int = 5,
    copy_every: int = 0,
    error_rate: float = 0.5,
    kinds: tuple[str, ...] = ("docx", "xlsx", "pdf"),
) -> list[Article]:
    """Write ``n`` articles under ``root``; returns what was written."""
    rng = random.Random(seed)
    text = corpus_text(corpus)
    root.mkdir(parents=True, exist_ok=True)
    articles: list[Article] = []
    start = dt.date(2019, 1, 1)
    for i in range(n):
        (ucode, unit), (ccode, column) = UNITS[i % len(UNITS)], COLUMNS[(i // len(UNITS)) % len(COLUMNS)]
        date = start + dt.timedelta(days=(i * 7) % 2000)
        rel = f"{ucode}/{ccode}/t{date:%Y%m%d}_{i}.html"
        if copy_every and i % copy_every == copy_every - 1 and articles:
            # The same article republished (转载) by another unit on the same day.
            source = articles[rng.randrange(len(articles))]
            rel = f"{ucode}/{ccode}/t{source.date:%Y%m%d}_{i}.html"
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes((root / source.path).read_bytes())
            articles.append(Article(rel, unit, column, source.date, source.title, list(source.injected),
                                    source.attachment, source.path))  # fmt: skip
            continue
        size = rng.randint(min_kb, max_kb) * 1024 // 3  # about 3 bytes a character in UTF-8
        paragraphs = _paragraphs(_window(text, rng, size))
        title = _window(text, rng, 18).replace("\n", "").strip() or f"第{i}号通知"
        art = Article(rel, unit, column, date, title)
        if rng.random() < error_rate:
            term = rng.choice(INJECT)
            _inject(paragraphs, rng, term)
            art.injected.append(term)
        if rng.random() < error_rate / 4:
            term = rng.choice(INJECT)
            title = f"{title}{term}"
            art.title = title
            art.injected.append(term)
        links: list[tuple[str, str]] = []
        if attach_every and i % attach_every == 0:
            kind = kinds[(i // attach_every) % len(kinds)]
            lines = _paragraphs(_window(text, rng, 1200))[:20]
            term = rng.choice(INJECT)
            lines.insert(len(lines) // 2, f"附件中写有{term}。")
            data_att = {"docx": make_docx, "xlsx": make_xlsx, "pdf": make_pdf}.get(kind, lambda ls: None)(lines)
            if data_att is None:
                kind, data_att = "txt", "\n".join(lines).encode("utf-8")
            name = f"附件{i}.{kind}"
            (root / "files").mkdir(exist_ok=True)
            (root / "files" / name).write_bytes(data_att)
            links.append((f"../../files/{name}", f"附件{i}"))
            art.attachment = f"files/{name}"
            art.injected.append(term)
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(page_html(title, date, paragraphs, links), encoding="utf-8")
        articles.append(art)
    index = page_html("示例市人民政府网站", start, ["欢迎访问。"], [(a.path, a.title) for a in articles[:50]])
    (root / "index.html").write_text(index, encoding="utf-8")
    return articles


def unit_config(path: Path) -> Path:
    """A scan configuration mapping the generated units and columns."""
    lines = ['site = "示例市人民政府网站"', 'base_url = "https://www.example.gov.cn/"', ""]
    for ucode, unit in UNITS:
        lines += ["[[units]]", f'prefix = "{ucode}/"', f'unit = "{unit}"', ""]
        for ccode, column in COLUMNS:
            lines += ["[[units]]", f'prefix = "{ucode}/{ccode}/"', f'column = "{column}"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
