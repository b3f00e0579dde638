"""PI001–PI005: personal data is found only when the number is valid and the context
personal; masked forms and other long numbers are left alone."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from .helpers import RuleRunner, matches

# Computed here, independently of the rule: GB 11643 / ISO 7064 MOD 11-2.
_W = [2 ** (17 - i) % 11 for i in range(17)]


def check_char(first17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, _W)) % 11]


def make_id(region: str, born: dt.date, seq: int) -> str:
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + check_char(body)


def luhn_complete(prefix: str) -> str:
    for d in "0123456789":
        digits = [int(c) for c in prefix + d][::-1]
        total = sum(x if i % 2 == 0 else (x * 2 - 9 if x * 2 > 9 else x * 2) for i, x in enumerate(digits))
        if total % 10 == 0:
            return prefix + d
    raise AssertionError


def test_valid_id_number_is_found_with_masked_suggestion(run: RuleRunner) -> None:
    number = make_id("110101", dt.date(1990, 3, 7), 451)
    text = f"申请人张某，身份证号{number}，现住北京。"
    [f] = run.text("PI001", text)
    assert f.match == number and text[f.start : f.end] == number
    assert f.severity.value == "critical" and f.category.value == "privacy"
    assert f.suggestions == (number[:2] + "*" * 13 + number[-3:],)


def test_wrong_check_character_or_date_is_not_an_id(run: RuleRunner) -> None:
    good = make_id("440305", dt.date(1985, 12, 31), 12)
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    bad_date = "44030519851332" + "0123"  # month 13
    future = make_id("440305", dt.date(2030, 1, 1), 12)
    text = f"编号{wrong_check}；编号{bad_date}；编号{future}。"
    assert run.text("PI001", text, date="2024-06-01") == []


def test_id_inside_longer_runs_and_masked_forms_are_left_alone(run: RuleRunner) -> None:
    number = make_id("350102", dt.date(1970, 1, 1), 123)
    text = f"流水号9{number}1；证件号35*************123；订单NO{number}。"
    assert run.text("PI001", text) == []


def test_old_15_digit_number_needs_a_word_nearby(run: RuleRunner) -> None:
    old = "110101900307451"  # 1990-03-07
    assert matches(run.text("PI001", f"公民身份号码：{old}。")) == [old]
    assert run.text("PI001", f"注册号{old}。") == []


@settings(max_examples=60, deadline=None)
@given(
    region=st.sampled_from(["110101", "310104", "440305", "650102", "820000", "130102"]),
    born=st.dates(dt.date(1930, 1, 1), dt.date(2020, 12, 31)),
    seq=st.integers(0, 999),
    before=st.text(alphabet="的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会", max_size=20),
    after=st.text(alphabet="，。；年月日的一是了", max_size=10),
)
def test_any_valid_id_is_found_at_its_offsets(run: RuleRunner, region: str, born: dt.date, seq: int, before: str, after: str) -> None:
    number = make_id(region, born, seq)
    text = before + number + after
    found = run.text("PI001", text)
    assert [(f.start, f.end) for f in found] == [(len(before), len(before) + 18)]
    tampered = number[:17] + ("0" if number[17] != "0" else "1")
    assert run.text("PI001", before + tampered + after) == []


def test_mobile_numbers(run: RuleRunner) -> None:
    text = "联系电话13812345678，或 +86 139-1234-5678。"
    found = run.text("PI002", text)
    assert matches(found) == ["13812345678", "139-1234-5678"]
    assert found[0].suggestions == ("138****5678",) and found[1].suggestions == ("139-****-5678",)


def test_mobile_near_misses(run: RuleRunner) -> None:
    text = (
        "手机138****5678；编号2013812345678；金额13500000000元；投资13812345678万元；"
        "号码12812345678；小数0.13812345678；代码AB13812345678。"
    )
    assert run.text("PI002", text) == []


def test_full_width_digits_are_read(run: RuleRunner) -> None:
    text = "手机：１３８１２３４５６７８。"
    [f] = run.text("PI002", text)
    assert f.match == "１３８１２３４５６７８"


def test_bank_card_needs_luhn_and_a_card_word(run: RuleRunner) -> None:
    card = luhn_complete("621700123456789012")  # 19 digits
    broken = card[:-1] + str((int(card[-1]) + 1) % 10)
    assert matches(run.text("PI003", f"本人银行卡号：{card}。")) == [card]
    assert run.text("PI003", f"本人银行卡号：{broken}。") == []
    assert run.text("PI003", f"项目编码{card}。") == []
    spaced = " ".join(card[i : i + 4] for i in range(0, 16, 4)) + " " + card[16:]
    [f] = run.text("PI003", f"借记卡 {spaced} 已挂失")
    masked = f.suggestions[0].replace(" ", "")
    assert f.match == spaced and masked == card[:4] + "*" * (len(card) - 8) + card[-4:]


def test_landline_only_in_personal_context(run: RuleRunner) -> None:
    personal = run.text("PI004", "家庭住址：某街道12号，家庭电话0571-87654321。")
    assert matches(personal) == ["0571-87654321"]
    assert personal[0].severity.value == "critical"
    assert personal[0].suggestions == ("0571-******21",)
    contact = run.text("PI004", "联系人：王某，电话（010）62345678。")
    assert [f.severity.value for f in contact] == ["warning"]
    assert run.text("PI004", "服务热线：0571-87654321；传真：0571-87654322。") == []
    assert run.text("PI004", "本局办公地址在人民路，办公电话0571-87654321。") == []


def test_email_only_in_personal_context(run: RuleRunner) -> None:
    [f] = run.text("PI005", "举报人李某，本人邮箱 lisi1990@example.com，请回复。")
    assert f.match == "lisi1990@example.com" and f.suggestions == ("l***@example.com",)
    assert run.text("PI005", "政务公开信箱：gongkai@example.gov.cn。") == []
