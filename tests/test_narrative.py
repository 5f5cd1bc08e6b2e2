"""情况说明 ↔ tables on real data: the 贵州 (000) narrative against the sample tables, the 泸州 (001) narrative on its
own, and faults injected into the 贵州 text (tables doc §6, §7, §9)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from juesuan.check import recognise_all
from juesuan.findings import Finding, Severity
from juesuan.gongkai import Table
from juesuan.narrative import check_narrative, load_document
from juesuan.narrative.document import Document, Paragraph
from juesuan.narrative.quotes import numbers_of
from juesuan.narrative.reading import read_document
from juesuan.read import read_workbook

ROOT = Path(__file__).resolve().parents[1]
NARRATIVES = ROOT / "workbooks" / "samples" / "narratives"
GZ_TEXT = NARRATIVES / "gz_2023_narrative.txt"
GZ_DOCX = NARRATIVES / "gz_2023_narrative.docx"
LZ_DOCX = NARRATIVES / "lz_2023_narrative.docx"
SAMPLE = ROOT / "workbooks" / "samples" / "gz_2023_juesuan.xlsx"


@pytest.fixture(scope="module")
def tables() -> dict[str, Table]:
    return recognise_all(read_workbook(SAMPLE))[0]


def problems(findings: list[Finding]) -> list[tuple[str, str, str, int | None]]:
    """(severity, rule, sheet!cell, paragraph) of every finding but the 未核对 notes."""
    return sorted((f.severity.value, f.rule, f"{f.sheet}!{f.cell}", f.paragraph) for f in findings if f.rule != "N-UNCHECKED")


def injected(tmp_path: Path, old: str, new: str) -> Path:
    """The 贵州 narrative with one phrase changed (it must occur exactly once)."""
    text = GZ_TEXT.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "说明.txt"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------------ reading


def test_numbers_are_read_as_printed() -> None:
    text = ("2023年度本年收入合计62,584.67万元，其中：财政拨款收入51 368.15 万元，占82.08；公务用车购置支出0元；"
            "单价100万元以上设备3台（套），共有车辆23辆，截至2023年12月31日；（图1：变动情况）")
    _, _, numbers = numbers_of(Paragraph(1, text, "收入"))
    printed = [(n.value, n.unit, n.kind, n.no_percent) for n in numbers]
    assert (Decimal("51368.15"), "万元", "amount", False) in printed  # a space inside a number (PDF, Word)
    assert (Decimal("82.08"), "%", "percent", True) in printed  # 占82.08 without its %
    assert (Decimal("0"), "元", "amount", False) in printed
    assert (Decimal("3"), "台（套）", "count", False) in printed and (Decimal("23"), "辆", "count", False) in printed
    assert all(n.value not in (Decimal(100), Decimal(2023), Decimal(12), Decimal(31), Decimal(1)) for n in numbers)
    zero_yuan = next(n for n in numbers if n.unit == "元")
    assert zero_yuan.wan == 0 and zero_yuan.half == Decimal("0.00005")


def test_full_width_digits_and_thousands_separators() -> None:
    _, _, numbers = numbers_of(Paragraph(1, "本年收入合计６２,５８４．６７万元，增长１７．７２％", "收入"))
    assert [(n.printed, n.value, n.decimals) for n in numbers] == [("６２,５８４．６７万元", Decimal("62584.67"), 2),
                                                                    ("１７．７２％", Decimal("17.72"), 2)]


def test_sections_are_found_by_their_words_in_any_order() -> None:
    lz = load_document(LZ_DOCX)
    first = {p.section: p.text[:12] for p in reversed(lz.paragraphs)}
    # 001 prints 三公 as 七、 and 政府性基金 as 八、, and several headings without their numbers
    assert first["总体"].startswith("2023年度收入为")
    assert first["三公"].startswith("2023年度“三公”")
    assert first["基金"].startswith("2023年度政府性基金")
    assert first["国资"].startswith("2023年度国有资本")
    order = list(dict.fromkeys(p.section for p in lz.paragraphs))
    assert order.index("三公") < order.index("基金") < order.index("国资") < order.index("其他")


def test_lines_broken_mid_sentence_are_joined() -> None:
    gz = load_document(GZ_DOCX)
    texts = [p.text for p in gz.paragraphs]
    assert any("综合业务管理（项）。年初预算为3,247.55万元，支出决算为3,247.55万元" in t for t in texts)
    assert any("住房公积金（项）。年初预算为584.97万元" in t for t in texts)
    assert any("完成年初预算的99.13%" in t for t in texts)
    assert not any(t.startswith("算为") for t in texts)


def test_word_and_text_read_the_same() -> None:
    def quotes(path: Path) -> list[tuple[str, str]]:
        reading = read_document(load_document(path))
        return [(n.printed.replace("**", ""), str(reading.meanings.get(n))) for n in reading.numbers]

    assert quotes(GZ_DOCX) == quotes(GZ_TEXT)


def test_labels_map_to_quantities_and_measures() -> None:
    reading = read_document(load_document(GZ_DOCX))
    meaning = {(n.paragraph.number, n.printed): reading.meanings.get(n) for n in reading.numbers}
    by_printed = {p: m for (_, p), m in meaning.items() if m}
    assert by_printed["80,473.90万元"].subject == "收支总计"
    assert by_printed["52,385.67万元"].subject == "财拨收支总计"  # 收支总计 in 四、 is 公开04's
    assert (by_printed["67.43%"].measure, by_printed["67.43%"].basis) == ("占比", "本年支出合计")
    assert (by_printed["14,117.84万元"].subject, by_printed["14,117.84万元"].measure) == ("项:205|职业教育|技校教育", "年初预算")
    assert (by_printed["115.71%"].measure, by_printed["115.71%"].basis) == ("完成率", "年初预算")
    assert (by_printed["1.13万元"].subject, by_printed["1.13万元"].basis) == ("公务用车", "减少")
    assert by_printed["20辆"].subject == "保有量"
    unread = [n.printed for n in reading.numbers if n not in reading.meanings]
    # the 独生子女 project, counts no entity has (团组0个 and the 0人次 after it), the vehicle categories (read as
    # parts of 共有车辆23辆), 绩效
    assert unread == ["12,668.9万元", "12,663.17万元", "12,668.9万元", "12,663.17万元", "12,663.17万元", "0个", "0人次", "0辆",
                      "0辆", "1辆", "1辆", "6辆", "0辆", "2辆", "6辆", "7辆", "0台（套）",
                      "74个", "2,856,874.26万元", "100%", "20个", "2,803,201.48万元", "93.03分"]


# ------------------------------------------------------------------------------------------------ 贵州 against its tables


def test_guizhou_narrative_agrees_with_the_tables(tables: dict[str, Table]) -> None:
    result = check_narrative(load_document(GZ_DOCX), tables)
    assert not [f for f in result.findings if f.severity is Severity.error]
    assert problems(result.findings) == sorted([
        # §9.1 #18, #19: 五(二) quotes 公开04's 类 lines; 公开05 prints 32,890.36 and 441.30
        ("warning", "N-AMOUNT", "一般公共预算支出!C15", 15),
        ("warning", "N-AMOUNT", "一般公共预算支出!C37", 15),
        # §9.1 #20: Σ 4 类 = 51,716.83; #21: Σ 23 项 = 51,716.84 (vs 51,716.82)
        ("warning", "N-SUM", "说明核对!C36", 13),
        ("warning", "N-SUM", "说明核对!C50", 17),
        # the text restating the tables' own gaps: 二 Σ parts (§9.1 #1/#4) and 三公 Σ 决算 (§9.1 #13)
        ("warning", "N-SUM", "说明核对!C7", 6),
        ("warning", "N-SUM", "说明核对!C139", 54),
    ])
    assert all(f.message.split("：", 1)[1].startswith("尾数误差") for f in result.findings if f.severity is Severity.warning)
    statuses = Counter(q.status for q in result.quotes)
    assert statuses == {"一致": 174, "尾数误差": 6, "未核对": 21}
    unchecked = [q.printed for q in result.quotes if q.status == "未核对"]
    # only the figures no table prints: the 独生子女 project, group counts, 批次/人次, equipment, 绩效 section
    assert unchecked == ["12,668.9万元", "12,663.17万元", "12,668.9万元", "12,663.17万元", "12,663.17万元", "持平", "持平",
                         "0个", "0人次", "0辆", "57批次", "481人次", "0批次", "0人次", "0台（套）", "74个",
                         "2,856,874.26万元", "100%", "20个", "2,803,201.48万元", "93.03分"]
    infos = [f for f in result.findings if f.rule == "N-UNCHECKED"]
    assert len(infos) == 19 and all(f.severity is Severity.info for f in infos)


def test_every_table_figure_is_mapped_to_its_cell(tables: dict[str, Table]) -> None:
    quotes = check_narrative(load_document(GZ_DOCX), tables).quotes
    cell = {(q.paragraph, q.printed): (q.sheet, q.cell, q.expected) for q in quotes if q.cell}
    assert cell[(4, "80,473.90万元")] == ("收支总表", "C37", Decimal("80473.90"))
    assert cell[(6, "51,368.15万元")] == ("收入决算表", "D7", Decimal("51368.15"))
    assert cell[(10, "52,385.67万元")][:2] == ("财拨总表", "C38")
    assert cell[(18, "16,335.84万元")] == ("一般公共预算支出", "C10", Decimal("16335.84"))
    assert cell[(46, "8,416.13万元")][:2] == ("基本支出明细", "C60")
    assert cell[(57, "44.53万元")][:2] == ("三公经费", "C8")
    assert cell[(57, "44.39万元")][:2] == ("三公经费", "I8")
    # 23 items, each 决算 at its 公开05 项 row
    items = [q for q in quotes if q.meaning.endswith("（项）") and q.cell]
    assert len(items) == 23 and {q.sheet for q in items} == {"一般公共预算支出"}
    # every percentage reproduces from the table amounts
    percents = [q for q in quotes if q.printed.endswith("%") and q.paragraph < 73]
    assert percents and all(q.status == "一致" for q in percents)


# ------------------------------------------------------------------------------------------------ 泸州 alone


def test_luzhou_narrative_inconsistencies_are_found() -> None:
    result = check_narrative(load_document(LZ_DOCX), {})
    found = problems(result.findings)
    assert found == sorted([
        ("warning", "N-SUM", "说明核对!C8", 6),      # P02 (#22): 14,968.80 + 188.69 = 15,157.49
        ("warning", "N-SUM", "说明核对!C46", 22),    # P05 (#23): Σ 6 类 = 14,969.04
        ("warning", "N-SUM", "说明核对!C49", 22),    # P06 (#24): 教育 = 997.75 + 747.58 = 1,745.33
        ("error", "N-SUM", "说明核对!C51", 22),      # R1: 社保 11,504.89 vs Σ 18 项 12,690.41
        ("error", "N-SUM", "说明核对!C59", 25),      # R2: 14,969.05 vs Σ 28 项 16,154.57
        ("error", "N-RATE-SPAN", "说明核对!C60", 25),  # R3: 95.52 % vs the items' 完成率
        ("error", "N-RATE-SPAN", "说明核对!C130", 60),  # R4: 三公 88.7 % vs its parts
        ("error", "N-SUM", "说明核对!C191", 86),     # R5: 车辆 4 vs 0 + 0 + 1 + 4
        ("error", "N-LIMIT", "说明核对!C160", 71),   # R6: 公务用车 5 辆 > 车辆 4 辆
        ("error", "N-DIRECTION", "说明核对!C121", 51),  # 中小企业发展专项: “预决算数持平” at 94.6 %
    ])
    by_place = {(f.rule, f.paragraph): f for f in result.findings}
    r1 = next(f for f in result.findings if f.cell == "C51")
    assert (r1.actual, r1.expected, r1.difference) == (Decimal("11504.89"), Decimal("12690.41"), Decimal("-1185.52"))
    assert "社会保障和就业支出（类） 11,504.89万元" in r1.message and r1.quote == "社会保障和就业支出11,504.89万元"
    r5 = next(f for f in result.findings if f.cell == "C191")
    assert (r5.actual, r5.expected) == (Decimal(4), Decimal(5)) and r5.quote.endswith("共有车辆4辆")
    r3 = by_place[("N-RATE-SPAN", 25)]
    assert "15,670.29" in r3.message and "17,490.35" in r3.message and r3.quote.endswith("完成预算95.52%")
    assert all(f.source == "lz_2023_narrative.docx" for f in result.findings)
    # the rest of §6.2 holds: P01, P03, P04, P07–P12 raise nothing; every share set adds up to 100 %
    assert not any(f.rule in ("N-SHARE-SUM", "N-PERCENT", "N-CHANGE", "N-REPEAT") for f in result.findings)


def test_luzhou_percentages_are_recomputed_from_its_own_amounts() -> None:
    quotes = check_narrative(load_document(LZ_DOCX), {}).quotes
    expected = {(q.paragraph, q.printed): q.expected for q in quotes if q.printed.endswith("%")}
    assert expected[(6, "98.8%")] == Decimal("98.8")        # 14,968.80 ÷ 15,157.48
    assert expected[(12, "66%")] == Decimal("66")           # 10,006.32 ÷ 15,157.73
    assert expected[(60, "35.9%")] == Decimal("35.9")       # 12.32 ÷ (22.01 + 12.32), 减少
    assert expected[(65, "100.00%")] == Decimal("100.00")   # 上年 0: 增长100.00% by convention
    assert expected[(63, "70%")] == Decimal("70")           # 15.41 ÷ 22.01


# ------------------------------------------------------------------------------------------------ injected faults


def run_injected(tmp_path: Path, tables: dict[str, Table], old: str, new: str) -> list[Finding]:
    return [f for f in check_narrative(load_document(injected(tmp_path, old, new)), tables).findings
            if f.severity is not Severity.info]


def test_changed_amount_is_found_at_its_cells(tmp_path: Path, tables: dict[str, Table]) -> None:
    found = run_injected(tmp_path, tables, "其他收入11,216.51万元", "其他收入11,261.51万元")
    amounts = [f for f in found if f.rule == "N-AMOUNT" and f.paragraph == 6]
    assert {(f.sheet, f.cell) for f in amounts} == {("收支总表", "C14"), ("收入决算表", "I7")}
    assert all(f.severity is Severity.error and f.quote == "其他收入11,261.51万元" and f.paragraph == 6 for f in amounts)
    assert all((f.expected, f.actual, f.difference) == (Decimal("11216.51"), Decimal("11261.51"), Decimal("45.00"))
               for f in amounts)
    # and the list no longer adds up to 本年收入合计
    assert any(f.rule == "N-SUM" and f.severity is Severity.error and f.paragraph == 6 for f in found)


def test_changed_share_is_found(tmp_path: Path, tables: dict[str, Table]) -> None:
    found = run_injected(tmp_path, tables, "占82.08%", "占82.18%")
    percent = next(f for f in found if f.rule == "N-PERCENT")
    assert (percent.sheet, percent.cell, percent.paragraph) == ("收入决算表", "D7", 6)
    assert percent.quote == "财政拨款收入51,368.15万元，占82.18%" and percent.expected == Decimal("82.08")
    share_sum = next(f for f in found if f.rule == "N-SHARE-SUM")
    assert share_sum.actual == Decimal("100.10") and share_sum.quote.endswith("占82.18%")


def test_flipped_direction_words_are_found(tmp_path: Path, tables: dict[str, Table]) -> None:
    found = run_injected(tmp_path, tables, "97%。决算数小于预算数", "97%。决算数大于预算数")
    direction = [f for f in found if f.rule == "N-DIRECTION"]
    assert len(direction) == 1 and direction[0].paragraph == 19 and "大于" in direction[0].quote
    assert "决算 336.70 小于预算 347.1" in direction[0].message
    found = run_injected(tmp_path, tables, "增长17.72%", "下降17.72%")
    direction = [f for f in found if f.rule == "N-DIRECTION"]
    assert len(direction) == 1 and direction[0].quote.endswith("下降17.72%") and "增加7,783.32万元" in direction[0].message


def test_wrong_item_name_is_found(tmp_path: Path, tables: dict[str, Table]) -> None:
    found = run_injected(tmp_path, tables, "进修及培训（款）培训支出（项）", "进修及培训（款）进修支出（项）")
    names = [f for f in found if f.rule == "N-NAME"]
    assert len(names) == 1 and names[0].paragraph == 19
    assert (names[0].sheet, names[0].cell) == ("一般公共预算支出", "C12")  # the row printing 336.70: 培训支出
    assert "进修支出（项）" in names[0].message and "“培训支出”" in names[0].message


def test_changed_change_rate_and_template_words_and_missing_percent(tmp_path: Path, tables: dict[str, Table]) -> None:
    found = run_injected(tmp_path, tables, "增长6.74%", "增长6.47%")
    change = next(f for f in found if f.rule == "N-CHANGE")
    assert change.expected == Decimal("6.74") and change.paragraph == 4 and "上年应为 75,394.11" in change.message
    found = run_injected(tmp_path, tables, "较上年减少1.13万元，下降2.48%", "较上年减少1.13万元，下降（增长）2.48%")
    assert [(f.rule, f.severity.value) for f in found if f.rule == "N-TEMPLATE"] == [("N-TEMPLATE", "warning")]
    found = run_injected(tmp_path, tables, "占17.92%", "占17.92")
    missing = [f for f in found if f.rule == "N-NO-PERCENT"]
    assert len(missing) == 1 and missing[0].severity is Severity.warning and missing[0].quote.endswith("占17.92")


def test_checks_can_fail_without_tables_too(tmp_path: Path) -> None:
    """The same text without tables: a changed item amount breaks 类 = Σ 项 and 一般 = Σ 项."""
    path = injected(tmp_path, "支出决算为16,335.84万元", "支出决算为16,353.84万元")
    found = [f for f in check_narrative(load_document(path), {}).findings if f.severity is Severity.error]
    assert {(f.rule, f.paragraph) for f in found} == {("N-SUM", 15), ("N-SUM", 17), ("N-PERCENT", 18)}


def test_unknown_input_files_are_input_errors(tmp_path: Path) -> None:
    from juesuan.read import InputError

    for name, content, reason in [("x.doc", b"\xd0\xcf\x11\xe0", "另存为 .docx"), ("x.docx", b"not a zip", "文件损坏"),
                                  ("x.pdf", b"%PDF", "另存为 .docx"), ("x.rtf", b"{\\rtf", ".docx 或 .txt"),
                                  ("empty.txt", b"\n \n", "没有文字")]:
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(InputError, match=reason):
            load_document(path)
    with pytest.raises(InputError, match="找不到"):
        load_document(tmp_path / "missing.docx")


def test_gb18030_text_is_read(tmp_path: Path) -> None:
    path = tmp_path / "说明.txt"
    path.write_bytes("二、收入决算情况说明\n2023年度本年收入合计62,584.67万元。\n".encode("gb18030"))
    document = load_document(path)
    assert [(p.section, p.text) for p in document.paragraphs] == [("收入", "2023年度本年收入合计62,584.67万元。")]
    assert isinstance(document, Document)


@pytest.mark.parametrize(("sentence", "unchecked"), [
    # another year's figure is no figure of these tables (it was compared with this year's total)
    ("一、收入支出决算总体情况说明\n2023年度收、支总计均为80,473.90万元。2022年度收、支总计为75,394.11万元。", ["75,394.11万元"]),
    ("一、收入支出决算总体情况说明\n2023年度收、支总计均为80,473.90万元。上年度本年收入合计为1,000.00万元。", ["1,000.00万元"]),
    # which name goes with which number of 分别为 is not read (the first was compared with the second name)
    ("四、财政拨款收入支出决算总体情况说明\n2023年度财政拨款收入、支出分别为51,368.15万元和51,716.82万元。",
     ["51,368.15万元", "51,716.82万元"]),
    # the measures after an unknown name are that name's, not the 三公 total's of the sentence before
    ("九、财政拨款“三公”经费支出决算情况说明\n2023年度“三公”经费财政拨款支出预算为53.08万元，支出决算为51.23万元。"
     "接待费用支出预算为10.00万元，支出决算为6.85万元。", ["10.00万元", "6.85万元"]),
], ids=["another-year", "last-year", "respectively", "unknown-name"])
def test_what_cannot_be_read_for_sure_stays_unchecked(tmp_path, tables, sentence, unchecked):
    """Misreadings that gave false 不一致 (found by probing the reader): now 未核对, never an error."""
    path = tmp_path / "说明.txt"
    path.write_text("2023年度部门决算情况说明\n" + sentence + "\n", encoding="utf-8")
    result = check_narrative(load_document(path), tables)
    assert not [f for f in result.findings if f.severity is Severity.error]
    assert [q.printed for q in result.quotes if q.status == "未核对"] == unchecked


@pytest.mark.parametrize(("sentence", "meaning"), [
    ("其中：财政拨款收入51,368.15万元，占比82.08%。", "财政拨款收入所占比例"),
    ("其中：其他收入11,216.52万元，所占比重为17.92%。", "其他收入所占比例"),
], ids=["zhanbi", "suozhan-bizhong"])
def test_shares_written_as_a_proportion_are_checked(tmp_path, tables, sentence, meaning):
    path = tmp_path / "说明.txt"
    path.write_text("2023年度部门决算情况说明\n二、收入决算情况说明\n2023年度本年收入合计62,584.67万元，" + sentence + "\n",
                    encoding="utf-8")
    quote = check_narrative(load_document(path), tables).quotes[-1]
    assert (quote.meaning, quote.status) == (meaning, "一致")


def test_rates_written_as_a_completion_rate_are_checked(tmp_path, tables):
    path = tmp_path / "说明.txt"
    path.write_text("2023年度部门决算情况说明\n九、财政拨款“三公”经费支出决算情况说明\n2023年度“三公”经费财政拨款支出预算为"
                    "53.08万元，支出决算为51.23万元，预算完成率为96.51%，完成全年预算96.5%。\n", encoding="utf-8")
    quotes = check_narrative(load_document(path), tables).quotes
    assert [(q.printed, q.status) for q in quotes[-2:]] == [("96.51%", "一致"), ("96.5%", "一致")]
