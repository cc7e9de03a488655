"""The rules file: defaults load, wrong files are rejected with their YAML path."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from cctool.errors import RulesError
from cctool.rules import default_rules_path, load_rules

POLICY = Path(__file__).resolve().parents[2] / "docs" / "POLICY.md"


def write_variant(tmp_path, mutate):
    doc = yaml.safe_load(default_rules_path().read_text(encoding="utf-8"))
    mutate(doc)
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def test_default_rules_load_and_carry_rule_ids():
    loaded = load_rules()
    ids = {rid for rid, _, _ in loaded.rules.rule_table()}
    for rid in ("ATT-LATE", "ATT-LATE-HALF", "ATT-EARLY-FULL", "ATT-QUIT-3", "LV-LONG-4", "LV-DAILY-CAP",
                "GRD-A", "GRD-TRAINEE-WINDOW", "PAY-OT", "PAY-CONFIDENTIAL"):
        assert rid in ids
    assert len(loaded.sha256) == 64


def test_default_rules_cover_every_checkable_policy_id():
    wanted = set(re.findall(r"\| ((?:GRD|ATT|LV|PAY)-[A-Z0-9-]+) \|", POLICY.read_text(encoding="utf-8")))
    text = default_rules_path().read_text(encoding="utf-8")
    assert {w for w in wanted if w not in text} == set()


def test_band_boundary_must_be_one_of_above_or_at_least(tmp_path):
    def mutate(doc):
        doc["attendance"]["late"][1]["at_least_minutes"] = 15
    with pytest.raises(RulesError, match=r"attendance\.late\[1\]: give exactly one of"):
        load_rules(write_variant(tmp_path, mutate))


def test_wrong_type_names_yaml_path_and_value(tmp_path):
    def mutate(doc):
        doc["attendance"]["late"][1]["above_minutes"] = "fifteen"
    with pytest.raises(RulesError) as err:
        load_rules(write_variant(tmp_path, mutate))
    assert "attendance.late[1].above_minutes" in str(err.value)
    assert "'fifteen'" in str(err.value)


def test_unknown_key_is_rejected(tmp_path):
    def mutate(doc):
        doc["attendance"]["team_attendance"]["min_rat"] = 0.9
    with pytest.raises(RulesError, match=r"attendance\.team_attendance\.min_rat: Extra inputs are not permitted"):
        load_rules(write_variant(tmp_path, mutate))


def test_bands_out_of_order_are_rejected(tmp_path):
    def mutate(doc):
        doc["attendance"]["early"][1]["at_least_minutes"] = 40
    with pytest.raises(RulesError, match="early bands must be in increasing order"):
        load_rules(write_variant(tmp_path, mutate))


def test_yaml_syntax_error_has_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("version: 1\nattendance: [\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"not valid YAML at line \d+"):
        load_rules(path)


def test_yaml_tags_are_not_executed(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("version: !!python/object/apply:os.system ['echo hacked']\n", encoding="utf-8")
    with pytest.raises(RulesError, match="not valid YAML"):
        load_rules(path)


def test_missing_rules_file(tmp_path):
    with pytest.raises(RulesError, match="rules file not found"):
        load_rules(tmp_path / "none.yaml")


@pytest.mark.parametrize("path, value", [
    (("pay", "base_pay", "by_grade", "C"), "-3500.00"),
    (("pay", "base_pay", "by_role", "qa"), "-1"),
    (("pay", "commission", "per_successful_call"), "-2.00"),
    (("pay", "overtime", "hourly_rate"), "-30"),
    (("pay", "commission", "percent_of_amount"), "-0.01"),
])
def test_negative_pay_rates_are_rejected(tmp_path, path, value):
    """Issue 9 §7: net pay is never below zero, so no pay figure of the rules file may be negative."""
    def mutate(doc):
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    with pytest.raises(RulesError) as err:
        load_rules(write_variant(tmp_path, mutate))
    assert ".".join(path[:3]) in str(err.value)


def test_rules_validate_exits_4_on_a_negative_base_pay(tmp_path):
    from typer.testing import CliRunner

    from cctool.cli.main import app

    def mutate(doc):
        doc["pay"]["base_pay"]["by_grade"]["B"] = "-4000.00"
    result = CliRunner().invoke(app, ["rules", "validate", str(write_variant(tmp_path, mutate))])
    assert result.exit_code == 4 and "pay.base_pay.by_grade" in result.output and "negative" in result.output
