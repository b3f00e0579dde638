"""HL001–HL004 on Documents built like the HTML extractor's output."""

from __future__ import annotations

from .helpers import RuleRunner, html_like, matches


def test_hidden_link_to_another_site_or_ip(run: RuleRunner) -> None:
    doc = html_like(
        ["本站新闻正文。"],
        title="某市人民政府",
        hidden=["澳门娱乐城 真人真钱", "快速入口"],
        links=[
            ("http://www.bad-casino.example/", "澳门娱乐城", True),
            ("http://203.0.113.7/x", "快速入口", True),
            ("/news/1.html", "本站新闻", True),
            ("https://www.city.gov.cn/a", "本站新闻", False),
        ],
        url="https://www.city.gov.cn/news/1.html",
    )
    found = run.document("HL001", doc)
    assert matches(found) == ["澳门娱乐城", "快速入口"]
    assert all(f.severity.value == "critical" and f.location is not None and f.location.part.value == "hidden" for f in found)


def test_hidden_text_with_spam_is_critical(run: RuleRunner) -> None:
    doc = html_like(["正文。"], hidden=["澳门娱乐城 真人真钱 六合彩"])
    found = run.document("HL002", doc)
    assert matches(found) == ["娱乐城", "真人真钱", "六合彩"] and {f.severity.value for f in found} == {"critical"}


def test_hidden_text_repeating_the_page_is_left_alone(run: RuleRunner) -> None:
    summary = "市政府召开常务会议研究部署安全生产和防汛抗旱工作要求各地压实责任"
    doc = html_like([summary + "。"], title="市政府召开常务会议", hidden=["视频简介" + summary])
    assert run.document("HL002", doc) == []
    alien = html_like(["正文。"], hidden=["这是一段页面上看不到的文字内容用来测试隐藏文本是否被报告出来"])
    assert [f.severity.value for f in run.document("HL002", alien)] == ["warning"]


def test_visible_external_and_ip_links(run: RuleRunner) -> None:
    doc = html_like(
        ["相关链接：国务院 友情链接 监控后台 本站首页"],
        links=[
            ("https://www.gov.cn/", "国务院", False),
            ("http://friend.example.org/", "友情链接", False),
            ("http://198.51.100.23:8080/", "监控后台", False),
            ("https://www.city.gov.cn/", "本站首页", False),
            ("mailto:office@city.gov.cn", "写信", False),
            ("javascript:void(0)", "打印", False),
        ],
        url="https://www.city.gov.cn/",
    )
    found = run.document("HL003", doc)
    assert [(f.match, f.severity.value) for f in found] == [("友情链接", "warning"), ("监控后台", "error")]
    allowed = run.document("HL003", doc, options={"allow_domains": ["gov.cn", "example.org"]})
    assert matches(allowed) == ["监控后台"]


def test_own_site_is_inferred_from_the_links(run: RuleRunner) -> None:
    links = [(f"https://news.site.example/{i}.html", f"新闻{i}", False) for i in range(6)]
    links.append(("https://other.example.net/", "外站", False))
    doc = html_like([" ".join(t for _, t, _ in links)], links=links)
    assert matches(run.document("HL003", doc)) == ["外站"]


def test_hidden_links_never_make_their_site_the_own_site(run: RuleRunner) -> None:
    planted = [(f"http://casino.example.com/{i}", f"入口{i}", True) for i in range(5)]
    doc = html_like(["正文。"], hidden=[" ".join(t for _, t, _ in planted)], links=planted)
    assert len(run.document("HL001", doc)) == 5


def test_spam_in_title_meta_and_link_text(run: RuleRunner) -> None:
    doc = html_like(
        ["正文提到打击网络赌博。", "友情链接：皇冠体育开户送彩金"],
        title="某县人民政府-百家乐-真人娱乐",
        meta=["六合彩,时时彩,政务公开"],
        links=[("http://x.example/", "皇冠体育开户送彩金", False)],
    )
    found = run.document("HL004", doc)
    assert matches(found) == ["百家乐", "真人娱乐", "六合彩", "时时彩", "皇冠体育", "开户送", "彩金"]
    assert run.document("HL004", html_like(["开展扫黄打非和打击网络赌博专项行动。"], title="打击网络赌博")) == []


def test_link_without_text_is_reported_on_an_empty_span(run: RuleRunner) -> None:
    doc = html_like(["正文。"], title="标题", links=[("http://192.0.2.1/a.png", "", True)])
    [f] = run.document("HL001", doc)
    assert (f.start, f.end, f.match) == (0, 0, "") and "192.0.2.1" in f.explanation
