"""SV001–SV003: sovereignty wording that needs context."""

from __future__ import annotations

from .helpers import RuleRunner, matches


def test_republic_of_china(run: RuleRunner) -> None:
    assert matches(run.text("SV001", "中华民国政府发表声明。")) == ["中华民国"]
    assert matches(run.text("SV001", "中華民國")) == ["中華民國"]
    left_alone = "所谓“中华民国”；《中华民国史》；1912年1月1日，中华民国临时政府在南京成立；辛亥革命推翻帝制，建立中华民国。"
    assert run.text("SV001", left_alone) == []


def test_era_years_after_1949(run: RuleRunner) -> None:
    found = run.text("SV001", "落款为民国113年5月，另见民国三十年的档案。")
    assert matches(found) == ["民国113年"] and found[0].suggestions == ("2024年",)


def test_taiwan_with_state_titles(run: RuleRunner) -> None:
    found = run.text("SV002", "台湾总统发表讲话，台湾政府宣布，台湾的副总统出访。")
    assert matches(found) == ["台湾总统", "台湾政府", "台湾的副总统"]
    assert found[0].suggestions == ("台湾地区领导人",) and found[1].suggestions == ("台湾当局", "台湾方面")
    assert run.text("SV002", "台湾地区领导人、台湾当局、台湾“总统府”、台湾国民党籍人士、台湾国际医疗展。") == []


def test_regions_listed_as_countries(run: RuleRunner) -> None:
    found = run.text("SV003", "产品出口到美国、日本、台湾等国家。来自新加坡、香港、澳门等12个国家的客商。")
    assert matches(found) == ["国家", "国家"]
    assert found[0].suggestions == ("国家和地区",)
    fine = "美国、日本、台湾等国家和地区；香港、澳门等地；教育部、香港特区政府等国家机关；美国、日本等国家。"
    assert run.text("SV003", fine) == []
    assert matches(run.text("SV003", "参展国家包括德国、法国、中国香港。")) == ["国家"]
