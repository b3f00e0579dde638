"""cuomin.toml / [tool.cuomin]: select, ignore, severity, rule options; wired into `cuomin check`."""

from __future__ import annotations

from pathlib import Path

import pytest

import cuomin
from cuomin.cli import main
from cuomin.config import Config, find_config, load_config
from cuomin.errors import ConfigError

from .helpers import MINI

TEXT = "要按步就班推进，截止到6月底。根据国办发[2017]47号文件，，落实。\n"


def _write(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


def test_cuomin_toml(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "cuomin.toml",
        'select = ["WD", "FT"]\nignore = ["FT003"]\ndictionaries = ["layers/mini"]\n'
        '[severity]\nWD7 = "error"\n[rules.HL003]\nseverity = "critical"\nallow_domains = ["example.org"]\n',
    )
    config = load_config(path)
    assert config.select == ("WD", "FT") and config.ignore == ("FT003",)
    assert config.severity == {"WD7": cuomin.Severity.ERROR, "HL003": cuomin.Severity.CRITICAL}
    assert config.options == {"HL003": {"allow_domains": ["example.org"]}}
    assert config.dictionaries == (tmp_path / "layers" / "mini",)


def test_pyproject_table_and_discovery(tmp_path: Path) -> None:
    assert find_config(tmp_path) is None
    _write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config(tmp_path) is None
    _write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n[tool.cuomin]\nignore = ["FT"]\n')
    found = find_config(tmp_path)
    assert found == tmp_path / "pyproject.toml" and load_config(found).ignore == ("FT",)
    _write(tmp_path, "cuomin.toml", 'ignore = ["WD"]\n')
    assert find_config(tmp_path) == tmp_path / "cuomin.toml"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('selct = ["WD"]\n', "不认识的配置项 selct"),
        ('select = ["wd"]\n', "代码前缀“wd”不合规范"),
        ('select = "WD"\nignore = [1]\n', "ignore 应为字符串列表"),
        ('[severity]\nWD = "fatal"\n', "未知的严重程度"),
        ("[rules.ZZ123]\nx = 1\n", "没有代码为 ZZ123 的规则"),
        ("[rules.WD600]\nx = 1\n", "不是规则的主代码"),
        ("select = [\n", "TOML 格式错误"),
    ],
)
def test_bad_configuration_is_a_clear_error(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(_write(tmp_path, "cuomin.toml", body))


def test_bad_rule_option_is_reported_by_the_checker(tmp_path: Path, cache_dir: Path) -> None:
    config = load_config(_write(tmp_path, "cuomin.toml", '[rules.PI001]\nmask = true\n[rules.HL003]\nallow_domains = 3\n'))
    with pytest.raises(ConfigError, match="HL003|PI001"):
        cuomin.Checker(**{**config.checker_kwargs(), "dictionaries": [MINI], "cache_dir": cache_dir})


def test_command_line_overrides() -> None:
    config = Config(select=("WD",), ignore=("FT",))
    merged = config.merged(select=["PI"], ignore=["SM", "FT"])
    assert merged.select == ("PI",) and merged.ignore == ("FT", "SM")
    assert config.merged().select == ("WD",)


def _check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["check", "--format", "json", "--dict", str(MINI), *args])
    return code, capsys.readouterr().out


def _codes(out: str) -> list[str]:
    import json

    return sorted(f["code"] for f in json.loads(out)["files"][0]["findings"])


def test_check_reads_config_option_and_current_directory(
    tmp_path: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = _write(tmp_path, "a.txt", TEXT)
    base = ["--cache-dir", str(cache_dir), "--date", "2024-06-01", str(doc)]
    _, out = _check(capsys, "--no-config", *base)
    assert _codes(out) == ["FT001", "FT003", "WD600", "WD700"]
    cfg = _write(tmp_path, "custom.toml", 'ignore = ["FT003"]\n[severity]\nWD7 = "critical"\n')
    code, out = _check(capsys, "--config", str(cfg), "--fail-on", "critical", *base)
    assert _codes(out) == ["FT001", "WD600", "WD700"] and code == 1
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "cuomin.toml", 'select = ["WD"]\n')
    _, out = _check(capsys, *base)
    assert _codes(out) == ["WD600", "WD700"]
    _, out = _check(capsys, "--select", "FT", *base)
    assert _codes(out) == ["FT001", "FT003"]
    _, out = _check(capsys, "--no-config", "--ignore", "WD", *base)
    assert _codes(out) == ["FT001", "FT003"]


def test_check_reports_a_broken_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = _write(tmp_path, "bad.toml", 'colour = "red"\n')
    code = main(["check", "--config", str(cfg), str(_write(tmp_path, "a.txt", TEXT))])
    assert code == 2 and "不认识的配置项 colour" in capsys.readouterr().err
