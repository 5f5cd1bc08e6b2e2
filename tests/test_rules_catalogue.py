from pathlib import Path

from juesuan.cli import main
from juesuan.rules import catalogue_markdown, known_kinds, load_catalogue

ROOT = Path(__file__).resolve().parents[1]


def test_every_rule_has_a_registered_kind_and_a_unique_id():
    rules = load_catalogue()
    assert len({r.id for r in rules}) == len(rules)
    assert {r.kind for r in rules} <= known_kinds()
    assert all(r.name and r.source for r in rules)


def test_every_identity_of_the_reference_is_catalogued():
    ids = {r.id.split("-")[0] for r in load_catalogue()}
    documented = {"T01.R1", "T01.R2", "T01.R3", "T01.R4", "T01.R5", "T01.R6", "T02.C1", "T03.C1", "T04.R1", "T04.R2",
                  "T04.R3", "T04.C1", "T04.R4", "T04.R5", "T04.R6", "T04.B1", "T05.C1", "T06.H1", "T06.T1", "T06.T2",
                  "T07.C1", "T07.B1", "T08.C1", "T09.C1", "T09.C2"} | {f"X{i:02d}" for i in range(1, 16)}
    documented |= {f"T0{t}.H{h}" for t in (2, 3, 5, 7, 8) for h in (0, 1, 2)}
    assert documented <= ids


def test_rules_doc_is_current():
    from juesuan.narrative import RULES as NARRATIVE_RULES
    from juesuan.perf.checks import RULES

    expected = catalogue_markdown(load_catalogue(), RULES.values(), NARRATIVE_RULES.values())
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == expected


def test_rule_ids_are_unique_across_both_catalogues(capsys):
    from juesuan.perf.checks import RULES

    from juesuan.narrative import RULES as NARRATIVE_RULES

    assert not {r.id for r in load_catalogue()} & set(RULES)
    assert not ({r.id for r in load_catalogue()} | set(RULES)) & set(NARRATIVE_RULES)
    assert main(["rules", "P-EXEC-RATE"]) == 0
    assert "P-EXEC-RATE\t错误\t执行率" in capsys.readouterr().out


def test_unknown_rule_id_is_an_input_error(capsys):
    assert main(["rules", "Z99"]) == 2
    assert "没有编号为 Z99 的规则" in capsys.readouterr().err
