"""Rules files that are wrong in ways YAML and lax typing let through: each is exit 4 with its
YAML path (issue 9 §8), through the CLI as a user meets it."""
from __future__ import annotations

import pytest
import yaml
from typer.testing import CliRunner

from cctool.cli.main import app
from cctool.errors import RulesError
from cctool.rules import default_rules_path, load_rules
from cctool.rules import load as rules_load

runner = CliRunner()


def default_text() -> str:
    return default_rules_path().read_text(encoding="utf-8")


def write_variant(tmp_path, mutate):
    doc = yaml.safe_load(default_text())
    mutate(doc)
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def validate(path):
    result = runner.invoke(app, ["rules", "validate", str(path)])
    return result.exit_code, result.output


def test_duplicate_key_is_rejected_with_its_path_and_lines(tmp_path):
    text = default_text().replace("    hourly_rate: \"30.00\"\n",
                                  "    hourly_rate: \"30.00\"\n    hourly_rate: \"300.00\"\n", 1)
    assert text != default_text()
    path = tmp_path / "dup.yaml"
    path.write_text(text, encoding="utf-8")
    code, out = validate(path)
    assert code == 4, out
    assert "pay.overtime.hourly_rate: duplicate key" in out
    assert "first at line" in out


def test_duplicate_key_inside_a_flow_mapping_of_a_list(tmp_path):
    text = default_text().replace("- {rule_id: ATT-LATE, kind: late, above_minutes: 0}",
                                  "- {rule_id: ATT-LATE, kind: late, above_minutes: 0, above_minutes: 5}", 1)
    path = tmp_path / "dup.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match=r"attendance\.late\[0\]\.above_minutes: duplicate key"):
        load_rules(path)


def test_merge_keys_are_not_duplicates(tmp_path):
    path = tmp_path / "merge.yaml"
    path.write_text("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n", encoding="utf-8")
    rules_load.check_structure(path.read_text(encoding="utf-8"), path)  # no error


def test_inverted_severity_of_late_bands(tmp_path):
    def mutate(doc):
        late = doc["attendance"]["late"]
        late[1]["kind"], late[2]["kind"] = "absent_full_day", "absent_half_day"
    code, out = validate(write_variant(tmp_path, mutate))
    assert code == 4
    assert "attendance.late" in out and "inverted severity order" in out
    # the message names the items that break the order, as the YAML list numbers them
    assert "late[2] (ATT-LATE-FULL, 30 min, absent_half_day) is milder than late[1] (ATT-LATE-HALF" in \
        " ".join(out.split())


def test_late_bands_out_of_order_name_both_items(tmp_path):
    def mutate(doc):
        doc["attendance"]["late"][1]["above_minutes"] = 45
    code, out = validate(write_variant(tmp_path, mutate))
    assert code == 4
    assert ("late[2] (ATT-LATE-FULL, 30 min, absent_full_day) does not come after late[1] (ATT-LATE-HALF, 45 min"
            in " ".join(out.split())) and "Value error" not in out


def test_inverted_severity_of_absence_tiers(tmp_path):
    def mutate(doc):
        tiers = doc["attendance"]["monthly_absence"]
        tiers[0]["consequence"], tiers[2]["consequence"] = "wage_withheld", "performance_pay_zero"
    with pytest.raises(RulesError, match=r"attendance\.monthly_absence: .*inverted severity order"):
        load_rules(write_variant(tmp_path, mutate))


def test_bonus_band_paying_less_for_a_higher_kpi(tmp_path):
    def mutate(doc):
        doc["pay"]["performance_bonus"]["bands"][0]["amount"] = "100.00"
    with pytest.raises(RulesError, match=r"pay\.performance_bonus\.bands: .*higher KPI band pays less"):
        load_rules(write_variant(tmp_path, mutate))


@pytest.mark.parametrize("where, value, path", [
    (("pay", "base_pay", "by_role", "supervisor"), "-1.00", r"pay\.base_pay\.by_role"),
    (("pay", "base_pay", "by_grade", "A"), "-0.01", r"pay\.base_pay\.by_grade"),
    (("pay", "overtime", "hourly_rate"), "-30", r"pay\.overtime\.hourly_rate"),
    (("pay", "commission", "per_successful_call"), "-2", r"pay\.commission\.per_successful_call"),
    (("attendance", "absence_weight", "absent_full_day"), -1, r"attendance\.absence_weight"),
])
def test_negative_money_and_weights(tmp_path, where, value, path):
    def mutate(doc):
        node = doc
        for key in where[:-1]:
            node = node[key]
        node[where[-1]] = value
    code, out = validate(write_variant(tmp_path, mutate))
    assert code == 4, out
    with pytest.raises(RulesError, match=path):
        load_rules(tmp_path / "rules.yaml")


@pytest.mark.parametrize("quantum, ok", [("0.01", True), ("1", True), ("10", True), ("0.1", True),
                                         ("0.05", False), ("0.03", False), ("2", False), ("0.011", False)])
def test_rounding_quantum_must_be_a_power_of_ten(tmp_path, quantum, ok):
    def mutate(doc):
        doc["pay"]["rounding"]["quantum"] = quantum
    path = write_variant(tmp_path, mutate)
    if ok:
        assert load_rules(path).rules.pay.rounding.quantum > 0
    else:
        with pytest.raises(RulesError, match=r"pay\.rounding\.quantum: .*power of ten"):
            load_rules(path)


@pytest.mark.parametrize("where", [
    ("pay", "overtime", "hourly_rate"),
    ("attendance", "max_absence_per_shift"),
    ("attendance", "swaps", "self_max_days"),
    ("leave", "half_day_max_hours"),
    ("limits", "xlsx_max_rows"),
])
def test_booleans_where_numbers_belong(tmp_path, where):
    def mutate(doc):
        node = doc
        for key in where[:-1]:
            node = node.setdefault(key, {})
        node[where[-1]] = True
    code, out = validate(write_variant(tmp_path, mutate))
    assert code == 4, out
    assert "not a boolean" in out
    assert ".".join(where[:-1]) in out


def test_boolean_in_a_dict_of_money(tmp_path):
    def mutate(doc):
        doc["pay"]["base_pay"]["by_grade"]["A"] = True
    with pytest.raises(RulesError, match=r"pay\.base_pay: .*by_grade: a number is required, not a boolean"):
        load_rules(write_variant(tmp_path, mutate))


def test_a_criterion_may_still_compare_with_a_boolean():
    # grading criteria such as regular_exam_passed == true take a bool by design
    rules = load_rules().rules
    assert any(isinstance(c.value, bool) for g in rules.grading.grades for c in g.criteria) or \
        any(isinstance(c.value, bool) for c in rules.grading.trainee.criteria)


@pytest.mark.parametrize("depth", [100, 5000])
def test_deep_nesting_is_exit_4_not_a_recursion_error(tmp_path, depth):
    path = tmp_path / "deep.yaml"
    path.write_text("version: 1\ncentre: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    code, out = validate(path)
    assert code == 4, out
    # libyaml stops at 1,000 levels itself; our own check names the path well before that
    assert "nesting deeper than" in out or "maximum nesting depth" in out


def test_deep_block_nesting_names_the_path(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("version: 1\ncentre:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 60)) + "  " * 60 + "x\n",
                    encoding="utf-8")
    with pytest.raises(RulesError, match=r"centre\.k1\.k2\.k3.*nesting deeper than 32 levels"):
        load_rules(path)


def test_alias_expansion_bomb_is_refused(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = validate(path)
    assert code == 4, out
    assert "aliases are expanded" in out


@pytest.mark.parametrize("mode, ok", [("0600", True), ("600", True), ("0400", True),
                                      ("0640", False), ("0644", False), ("0606", False), ("0200", False)])
def test_confidential_file_mode_is_owner_only(tmp_path, mode, ok):
    def mutate(doc):
        doc["pay"]["confidential"]["file_mode"] = mode
    path = write_variant(tmp_path, mutate)
    if ok:
        load_rules(path)
    else:
        with pytest.raises(RulesError, match=r"pay\.confidential\.file_mode: .*not owner-only"):
            load_rules(path)


def test_oversized_rules_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(rules_load, "MAX_RULES_BYTES", 1000)
    path = tmp_path / "big.yaml"
    path.write_text(default_text(), encoding="utf-8")
    with pytest.raises(RulesError, match="more than the 1,000 a rules file may have"):
        load_rules(path)


def test_the_c_loader_is_used_where_present():
    if hasattr(yaml, "CSafeLoader"):
        assert rules_load.SafeLoader is yaml.CSafeLoader
    assert issubclass(rules_load.SafeLoader, (yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)))


def test_limits_section_is_optional_and_validated(tmp_path):
    def drop(doc):
        doc.pop("limits")
    assert load_rules(write_variant(tmp_path, drop)).rules.limits.kpi_score.max == 100

    def inverted(doc):
        doc["limits"]["kpi_score"] = {"min": 100, "max": 0}
    with pytest.raises(RulesError, match=r"limits\.kpi_score: .*max must not be less than min"):
        load_rules(write_variant(tmp_path, inverted))
