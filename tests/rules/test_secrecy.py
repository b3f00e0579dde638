"""SM001/SM002: secrecy marks, strongest at the head; the same words in a sentence are not marks."""

from __future__ import annotations

from cuomin import Document, Location, Part, Segment

from .helpers import RuleRunner, matches


def test_star_mark_at_head_is_critical(run: RuleRunner) -> None:
    text = "秘密★1年\n\n关于做好有关工作的通知\n各单位：……"
    [f] = run.text("SM001", text)
    assert f.match == "秘密★1年" and f.severity.value == "critical" and (f.line, f.column) == (1, 1)


def test_marks_further_down_are_errors_and_sentences_are_left_alone(run: RuleRunner) -> None:
    text = "关于做好有关工作的通知\n各单位：\n一、要求。\n二、措施。\n附件\n机密\n各单位要保守国家秘密，注意保密工作，不得泄露机密级文件内容。"
    found = run.text(["SM001", "SM002"], text)
    assert [(f.match, f.severity.value) for f in found] == [("机密", "error")]


def test_level_label_and_quoted_mark(run: RuleRunner) -> None:
    assert [f.severity.value for f in run.text("SM001", "密级：机密★5年\n正文")] == ["critical"]
    quoted = run.text("SM001", "第一段。\n第二段。\n第三段。\n标注“秘密★1年”等密级标志的文件不得上网。")
    assert [f.severity.value for f in quoted] == ["warning"]


def test_internal_marks_stand_alone(run: RuleRunner) -> None:
    text = "内部资料 注意保存\n关于调整工作安排的说明"
    found = run.text("SM002", text)
    assert matches(found) == ["内部资料", "注意保存"]
    assert {f.severity.value for f in found} == {"critical"}
    assert run.text("SM002", "全市建立内部资料库，工作人员要注意保存原始凭证。") == []


def test_attachment_head_and_page_header(run: RuleRunner) -> None:
    doc = Document(
        (
            Segment("关于报送材料的通知", Location(Part.TITLE)),
            Segment("正文第一段。", Location(Part.BODY, paragraph=1)),
            Segment("正文第二段。", Location(Part.BODY, paragraph=2)),
            Segment("正文第三段。", Location(Part.BODY, paragraph=3)),
            Segment("正文第四段。", Location(Part.BODY, paragraph=4)),
            Segment("内部文件", Location(Part.BODY, paragraph=5)),
            Segment("内部文件", Location(Part.ATTACHMENT, file="附件1.docx", paragraph=1)),
            Segment("绝密", Location(Part.HEADER, file="附件2.pdf", page=3)),
        )
    )
    found = run.document(["SM001", "SM002"], doc)
    assert [(f.location.part.value if f.location else None, f.severity.value) for f in found] == [
        ("body", "error"),
        ("attachment", "critical"),
        ("header", "critical"),
    ]
