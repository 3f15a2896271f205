"""``cohortwatch match`` and ``cohortwatch eval listings`` on files, HTML and stdin."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cohortwatch.cli import cli, main

CORPUS = Path(__file__).resolve().parents[2] / "data" / "listings"
LEAK_ZH = "英国生物样本库 全量数据 50万人 表型数据 出售 微信联系"


def test_match_plain_text_file(tmp_path: Path) -> None:
    path = tmp_path / "listing.txt"
    path.write_text(LEAK_ZH, encoding="utf-8")
    result = CliRunner().invoke(cli, ["match", str(path)])
    assert result.exit_code == 0, result.output
    first, *reasons = result.output.splitlines()
    assert first.startswith("leak-offer  score 0.9") and first.endswith("language zh")
    assert any("“英国生物样本库" in r for r in reasons)


def test_match_html_scores_only_visible_text(tmp_path: Path) -> None:
    path = tmp_path / "listing.html"
    path.write_text(
        "<html><head><title>UK Biobank full data</title><script>var x = 'for sale USDT 500k';"
        "</script></head><body><p>UK Biobank paperback textbook</p></body></html>",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["match", str(path), "--json"])
    payload = json.loads(result.output)
    assert payload["verdict"] == "related"
    assert not any("usdt" in r for r in payload["reasons"])


def test_match_stdin_json_fields() -> None:
    result = CliRunner().invoke(cli, ["match", "--json"], input=LEAK_ZH.encode("utf-8"))
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert {"score", "verdict", "reasons", "language"} <= payload.keys()
    assert payload["verdict"] == "leak-offer" and payload["language"] == "zh"
    assert 0.5 <= payload["score"] <= 1.0 and payload["reasons"]


def test_match_stdin_html_and_dash() -> None:
    html = "<!doctype html><p>Cotton t-shirt</p>"
    result = CliRunner().invoke(cli, ["match", "-", "--json"], input=html)
    assert json.loads(result.output)["verdict"] == "unrelated"


@pytest.mark.parametrize("args", [["match", "/no/such/listing.txt"], ["match", "/"]])
def test_match_bad_file_is_one_line_exit_2(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and len(err.strip().splitlines()) == 1


def test_match_bad_profile_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = tmp_path / "bad.yaml"
    profile.write_text("name: [oops", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["match", "--profile", str(profile), "-"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "not valid YAML" in err and len(err.strip().splitlines()) == 1


def test_eval_listings_prints_metrics_and_confusion() -> None:
    result = CliRunner().invoke(cli, ["eval", "listings", str(CORPUS), "--split", "test"])
    assert result.exit_code == 0, result.output
    assert "leak-offer" in result.output and "confusion" in result.output
    assert "precision  recall  F1" in result.output


def test_eval_missing_corpus_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["eval", "listings", "/no/such/corpus"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.startswith("Error: /no/such/corpus does not exist")


def test_eval_train_model_writes_a_model_the_profile_can_use(tmp_path: Path) -> None:
    out = tmp_path / "wording.json"
    args = ["eval", "train-model", str(CORPUS), "--split", "blind", "--out", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "learned from 179 listings (64 leak offers) of blind" in result.output
    from matcher.text.model import parse_model

    assert parse_model(out.read_text(encoding="utf-8")).trained_on == ("blind",)


def test_eval_digest_is_stable_and_changes_with_any_score(tmp_path: Path) -> None:
    """The same scores give the same digest; a profile that moves scores gives another, and the
    output names no listing."""
    shipped = Path(__file__).resolve().parents[3] / "matcher" / "profiles"
    text = (shipped / "ukbiobank.yaml").read_text(encoding="utf-8")
    assert "  bias: -4.0\n" in text
    (tmp_path / "p.yaml").write_text(text.replace("  bias: -4.0\n", "  bias: -3.9\n"), "utf-8")
    model = "ukbiobank-wording.json"
    (tmp_path / model).write_bytes((shipped / model).read_bytes())
    args = ["eval", "digest", str(CORPUS), "--split", "test"]
    first, again = CliRunner().invoke(cli, args), CliRunner().invoke(cli, args)
    moved = CliRunner().invoke(cli, [*args, "--profile", str(tmp_path / "p.yaml")])
    assert first.exit_code == again.exit_code == moved.exit_code == 0, first.output
    last = first.output.splitlines()[-1]
    assert last.startswith("104 listings, text-") and "digest " in last
    assert first.output == again.output
    assert moved.output.splitlines()[-1] != last
    assert "en-l01" not in first.output
