"""DT001–DT003: impossible dates, issue before signing, past events after the document date."""

from __future__ import annotations

import calendar

from hypothesis import given, settings
from hypothesis import strategies as st

from cuomin import Document, Location, Part, Segment

from .helpers import RuleRunner, matches


def test_impossible_dates(run: RuleRunner) -> None:
    text = "会议于2023年2月30日召开，4月31日闭幕，2024年2月29日开始，二〇二三年二月二十九日印发，2023-13-01上线，13月5日。"
    assert matches(run.text("DT001", text)) == ["2023年2月30日", "4月31日", "二〇二三年二月二十九日", "2023-13-01", "13月5日"]


def test_possible_dates_are_left_alone(run: RuleRunner) -> None:
    text = "2月29日、2024年2月29日、二〇二〇年二月二十九日、2023-12-31、12月31日、第13月工资、3.12月均值"
    assert run.text("DT001", text) == []


@settings(max_examples=80, deadline=None)
@given(year=st.integers(1950, 2049), month=st.integers(1, 12), day=st.integers(1, 33), pad=st.text("的是在了", max_size=6))
def test_day_validity_matches_the_calendar(run: RuleRunner, year: int, month: int, day: int, pad: str) -> None:
    written = f"{year}年{month}月{day}日"
    found = run.text("DT001", pad + written + "。")
    exists = day <= calendar.monthrange(year, month)[1]
    assert [(f.start, f.match) for f in found] == ([] if exists else [(len(pad), written)])


def test_issue_date_before_signing_date(run: RuleRunner) -> None:
    text = "关于印发某办法的通知\n……\n某某市人民政府办公室\n2017年6月5日\n（此件公开发布）\n某某市人民政府办公室        2017年6月1日印发\n"
    [f] = run.text("DT002", text)
    assert f.match == "2017年6月1日" and "早于成文日期 2017-06-05" in f.explanation
    assert run.text("DT002", text.replace("6月1日印发", "6月6日印发")) == []


def test_issue_date_across_segments(run: RuleRunner) -> None:
    doc = Document(
        (
            Segment("正文。", Location(Part.BODY, paragraph=1)),
            Segment("2020年3月10日", Location(Part.BODY, paragraph=2)),
            Segment("市政府办公室 2020年3月9日印发", Location(Part.BODY, paragraph=3)),
        )
    )
    assert matches(run.document("DT002", doc)) == ["2020年3月9日"]


def test_past_event_after_document_date(run: RuleRunner) -> None:
    text = "2024年5月20日，全市召开了安全生产工作会议。"
    [f] = run.text("DT003", text, date="2024-05-01")
    assert f.severity.value == "warning" and f.match == "2024年5月20日"
    assert run.text("DT003", text, date="2024-05-20") == []
    assert run.text("DT003", "会议将于2024年5月20日召开。", date="2024-05-01") == []
    assert run.text("DT003", "本办法自2024年7月1日起施行。", date="2024-05-01") == []
