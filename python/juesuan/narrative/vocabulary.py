"""What the words before a number name: the quantity (an *entity*) and which of its figures (a *measure*).

``2023年度本年收入合计62,584.67万元`` names 本年收入合计 and its 决算; ``年初预算为14,117.84万元`` names only the
measure and means the quantity the paragraph is talking about. Entities are data: their names, the sections where
a name means them (``收支总计`` is 公开01's in 一、 and 公开04's in 四、), the table cells that print the same
figure (all of them are compared) and the total their ``占…%`` share refers to. A label that names nothing known
leaves its number unmapped (未核对): nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..gongkai.tables import CLASS_CODES

__all__ = ["Cell", "ENTITIES", "Entity", "Label", "class_entity", "entity", "read_label"]


@dataclass(frozen=True)
class Cell:
    """A table cell by table kind, line ref and column key (see ``gongkai.tables.Table.line``)."""

    table: str
    ref: str
    column: str


@dataclass(frozen=True)
class Entity:
    """A quantity the narrative talks about. ``cells`` print its amount (决算), ``budget`` its 预算; ``parent``
    is the total a bare ``占X%`` refers to; ``any_of``: the name may mean either cell (“收入为…” is 总计 for some
    publishers and 本年收入合计 for others); ``exact``: a short common word that names it only when it is the
    whole label (``收入``, but not ``涉及收入``)."""

    key: str
    title: str
    names: tuple[str, ...]
    sections: frozenset[str] = frozenset()
    cells: tuple[Cell, ...] = ()
    budget: tuple[Cell, ...] = ()
    parent: str | None = None
    any_of: bool = False
    exact: bool = False


def _e(key: str, title: str, names: str, sections: str = "", cells: str = "", budget: str = "", parent: str | None = None,
       any_of: bool = False, exact: bool = False) -> Entity:
    """Compact spelling: names and sections space-separated, cells as ``表|行|栏`` space-separated."""
    def cell_list(text: str) -> tuple[Cell, ...]:
        return tuple(Cell(*c.split("|")) for c in text.split())

    return Entity(key, title, tuple(names.split()), frozenset(sections.split()), cell_list(cells), cell_list(budget),
                  parent, any_of, exact)


_INCOME = "本年收入合计"
_EXPENSE = "本年支出合计"
ENTITIES: tuple[Entity, ...] = (
    _e("收支总计", "收支总计", "收支总计", "总体", "公开01|I:总计|决算数 公开01|E:总计|决算数"),
    _e("收入总计", "收入总计", "收入总计", "", "公开01|I:总计|决算数"),
    _e("支出总计", "支出总计", "支出总计", "", "公开01|E:总计|决算数"),
    _e("收入", "收入", "收入 收入决算", "总体", "公开01|I:总计|决算数 公开01|I:本年收入合计|决算数", any_of=True, exact=True),
    _e("支出", "支出", "支出 支出决算", "总体", "公开01|E:总计|决算数 公开01|E:本年支出合计|决算数", any_of=True, exact=True),
    _e(_INCOME, "本年收入合计", "本年收入合计 本年收入", "", "公开01|I:本年收入合计|决算数 公开02|合计|本年收入合计"),
    _e(_EXPENSE, "本年支出合计", "本年支出合计 本年支出", "", "公开01|E:本年支出合计|决算数 公开03|合计|本年支出合计"),
    _e("财政拨款收入", "财政拨款收入", "财政拨款收入", "收入", "公开02|合计|财政拨款收入 公开04|I:本年收入合计|决算数", parent=_INCOME),
    _e("一般公共预算收入", "一般公共预算财政拨款收入", "一般公共预算财政拨款收入 一般公共预算拨款收入", "",
       "公开01|I:一般公共预算财政拨款|决算数 公开04|I:一般公共预算财政拨款|决算数", parent=_INCOME),
    _e("基金收入", "政府性基金预算财政拨款收入", "政府性基金预算财政拨款收入", "",
       "公开01|I:政府性基金预算财政拨款|决算数 公开04|I:政府性基金预算财政拨款|决算数 公开07|合计|本年收入", parent=_INCOME),
    _e("国资收入", "国有资本经营预算财政拨款收入", "国有资本经营预算财政拨款收入", "",
       "公开01|I:国有资本经营预算财政拨款|决算数 公开04|I:国有资本经营预算财政拨款|决算数", parent=_INCOME),
    *(_e(name, name, name, "", f"公开01|I:{name}|决算数 公开02|合计|{name}", parent=_INCOME)
      for name in ("上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入")),
    _e("使用非财政拨款结余", "使用非财政拨款结余", "使用非财政拨款结余 使用非财政拨款结余（含专用结余）", "",
       "公开01|I:使用非财政拨款结余|决算数"),
    _e("年初结转和结余", "年初结转和结余", "年初结转和结余", "收入 总体", "公开01|I:年初结转和结余|决算数"),
    _e("年末结转和结余", "年末结转和结余", "年末结转和结余", "支出 总体", "公开01|E:年末结转和结余|决算数"),
    _e("结余分配", "结余分配", "结余分配", "", "公开01|E:结余分配|决算数"),
    *(_e(name, name, name, "支出", f"公开03|合计|{name}", parent=_EXPENSE)
      for name in ("基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出")),
    _e("财拨收支总计", "财政拨款收支总计", "财政拨款收支总计 收支总计", "财拨", "公开04|I:总计|决算数 公开04|E:总计|合计"),
    _e("财拨收入", "财政拨款收入", "财政拨款收入 收入", "财拨", "公开04|I:总计|决算数 公开04|I:本年收入合计|决算数",
       any_of=True, exact=True),
    _e("财拨支出", "财政拨款支出", "财政拨款支出 支出", "财拨", "公开04|E:总计|合计 公开04|E:本年支出合计|合计",
       any_of=True, exact=True),
    _e("一般", "一般公共预算财政拨款支出", "一般公共预算财政拨款支出 一般公共预算支出 一般公共预算财政拨款", "",
       "公开05|合计|小计 公开04|E:本年支出合计|一般", parent=_EXPENSE),
    _e("基本", "一般公共预算财政拨款基本支出", "一般公共预算财政拨款基本支出 基本支出", "基本", "公开05|合计|基本支出"),
    _e("人员经费", "人员经费", "人员经费", "基本", "公开06|人员经费合计|决算数", parent="基本"),
    _e("公用经费", "公用经费", "公用经费", "基本", "公开06|公用经费合计|决算数", parent="基本"),
    _e("基金支出", "政府性基金预算财政拨款支出", "政府性基金预算财政拨款支出 政府性基金预算支出", "",
       "公开07|合计|小计 公开04|E:本年支出合计|基金"),
    _e("国资支出", "国有资本经营预算财政拨款支出", "国有资本经营预算财政拨款支出 国有资本经营预算支出", "",
       "公开08|合计|小计 公开04|E:本年支出合计|国资"),
    _e("三公", "“三公”经费", "三公经费财政拨款支出 三公经费财政拨款 三公经费支出 三公经费", "",
       "公开09|三公|决算.合计", "公开09|三公|预算.合计"),
    _e("出国", "因公出国（境）费", "因公出国（境）费 因公出国（境）经费 因公出国（境）费用 因公出国（境）", "",
       "公开09|三公|决算.出国", "公开09|三公|预算.出国", parent="三公"),
    _e("公务用车", "公务用车购置及运行维护费", "公务用车购置及运行维护费 公务用车购置及运行费", "",
       "公开09|三公|决算.车小计", "公开09|三公|预算.车小计", parent="三公"),
    _e("车购置", "公务用车购置费", "公务用车购置费 公务用车购置", "", "公开09|三公|决算.车购置", "公开09|三公|预算.车购置",
       parent="公务用车"),
    _e("车运维", "公务用车运行维护费", "公务用车运行维护费 公务用车运行费", "", "公开09|三公|决算.车运维",
       "公开09|三公|预算.车运维", parent="公务用车"),
    _e("接待", "公务接待费", "公务接待费 公务接待", "三公", "公开09|三公|决算.接待", "公开09|三公|预算.接待", parent="三公"),
    _e("国内接待", "国内公务接待费", "国内接待费 国内公务接待费 国内公务接待", "", parent="接待"),
    _e("国外接待", "国（境）外公务接待费", "国（境）外接待费 国（境）外公务接待费 国（境）外公务接待 外事接待", "", parent="接待"),
    _e("保有量", "公务用车保有量", "公务用车保有量 共有公务用车"),
    _e("机关运行经费", "机关运行经费", "机关运行经费"),
    _e("采购", "政府采购支出总额", "政府采购支出总额 政府采购支出"),
    _e("采购货物", "政府采购货物支出", "政府采购货物支出 政府采购货物", parent="采购"),
    _e("采购工程", "政府采购工程支出", "政府采购工程支出 政府采购工程", parent="采购"),
    _e("采购服务", "政府采购服务支出", "政府采购服务支出 政府采购服务", parent="采购"),
    _e("中小企业", "授予中小企业合同金额", "授予中小企业合同金额 中小企业合同金额", parent="采购"),
    _e("小微企业", "授予小微企业合同金额", "授予小微企业合同金额 小微企业合同金额", parent="采购"),
    _e("车辆", "车辆总数", "车辆 车辆总数", "其他"),
)
_BY_KEY = {e.key: e for e in ENTITIES}


def class_entity(code: str) -> Entity:
    """The 一般公共预算 amount of one 功能分类 类: 公开04's class line first, then 公开05's 类 row (tables doc §12.10)."""
    names = [n for n, c in CLASS_CODES.items() if c == code]  # the current name first
    title = f"{names[0]}支出（类）" if names else f"{code}（类）"
    spelled = " ".join(f"{n}{s}" for n in names for s in ("支出（类）", "（类）", "支出"))
    return _e(f"类:{code}", title, spelled, "一般", f"公开04|E:{code}|一般 公开05|{code}|小计", parent="一般")


_CLASSES = tuple(class_entity(code) for code in sorted(set(CLASS_CODES.values())))


def entity(key: str) -> Entity | None:
    """An entity by key (class entities as ``类:208``); item subjects are no entities."""
    if key.startswith("类:"):
        return class_entity(key[2:])
    return _BY_KEY.get(key)


#: Measure words at the end of a label -> measure (for amounts and counts).
AMOUNT_MEASURES = [
    ("年初预算数", "年初预算"), ("年初预算", "年初预算"),
    ("全年预算数", "预算"), ("全年预算", "预算"), ("调整后预算", "预算"), ("预算数", "预算"), ("预算", "预算"),
    ("共计支出", "决算"), ("支出决算数", "决算"), ("支出决算", "决算"), ("决算数", "决算"), ("决算", "决算"),
    ("支出", "决算"), ("", "决算"),
]
#: Change words (增减额 with an amount, 增减率 with a percentage) and their sign.
CHANGE_WORDS = {"增加": 1, "增长": 1, "减少": -1, "下降": -1}
#: Words that introduce an execution rate, and the budget it is measured against.
RATE_WORDS = [("完成年初预算的", "年初预算"), ("完成年初预算", "年初预算"), ("完成全年预算的", "预算"), ("完成全年预算", "预算"),
              ("完成预算的", "预算"), ("完成预算", "预算"), ("预算完成率", "预算"), ("完成率", "预算"), ("执行率", "预算")]

_LEAD = re.compile(r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d))")
_CONTEXT = re.compile(r"^(截至\d{4}年\d+月\d+日|\d{4}年度?|本年度|全年|其中|具体是|主要是|分别是)+")
_COMPARE = re.compile(r"(较|比|与)(上年度?|上一年度?|\d{4}年度?)(决算数?)?(相比)?$")
_VERB = re.compile(r"(均为|各为|分别为|为|是|达到|达|共计|累计|约)$")


@dataclass(frozen=True)
class Label:
    """What a label says: the entity it names (``None``: none named, the paragraph's subject applies), the
    measure, and whether anything was left over that names no known quantity (``unknown``)."""

    entity: Entity | None
    measure: str
    basis: str = ""
    unknown: bool = False


def clean(label: str) -> str:
    """A label without spaces, bold marks, item numbers and the verb before the number (为, 是, 共计)."""
    text = re.sub(r"[\s*“”\"‘’'「」]+", "", label)
    text = _LEAD.sub("", text).lstrip("：:")
    text = text.rstrip("：:")
    return _VERB.sub("", text) if not text.endswith(("合计", "总计")) else text


@lru_cache(maxsize=4096)
def _match(rest: str, section: str) -> Entity | None | bool:
    """The entity ``rest`` ends with (longest name; names of this section before general ones); ``None`` when
    rest is empty or only context (年度, 其中); ``False`` when it names nothing known."""
    core = _CONTEXT.sub("", rest)
    if not core:
        return None
    best: tuple[int, int, Entity] | None = None
    for ent in (*ENTITIES, *(_CLASSES if section == "一般" else ())):
        if ent.sections and section not in ent.sections:
            continue
        for name in ent.names:
            if (core == name) if ent.exact else core.endswith(name):
                rank = (len(name), len(ent.sections) > 0)
                if best is None or rank > best[:2]:
                    best = (*rank, ent)
    return best[2] if best else False


#: A label that opens with another year's name (``2022年度收、支总计为``, ``上年度支出``): that year's figure.
_OTHER_YEAR = re.compile(r"^(?:其中|具体是|主要是)?(?:上一?年度|(\d{4})年度?)")
#: ``收入、支出分别为 A 和 B``: several names share the numbers that follow, in order (the label of A is what
#: follows the last ``、``).
_RESPECTIVELY = re.compile(r"分别(?:为|是)?$")


def read_label(label: str, kind: str, section: str, year: int | None = None) -> Label:
    """Read the words before a number of ``kind`` (amount, percent, count) in ``section`` of the report on
    ``year``. A figure of another year (no table holds it) and the first of several names read ``分别为``
    (which name goes with which number is not read) name nothing known: left unchecked rather than misread."""
    text = clean(label)
    other = _OTHER_YEAR.match(text)
    if (other and (other.group(1) is None or year is None or int(other.group(1)) != year)
            or _RESPECTIVELY.search(re.sub(r"\s+", "", label))):
        return Label(None, "", unknown=True)
    if kind == "percent":
        return _percent_label(text, section)
    for word, sign in CHANGE_WORDS.items():
        if kind == "amount" and re.search(f"{word}了?$", text):
            rest = _COMPARE.sub("", re.sub(f"各?{word}了?$", "", text))
            return _with_entity(_strip_measure(rest), section, "增减额", word)
    splits = [(text[: len(text) - len(w)], m) for w, m in AMOUNT_MEASURES if text.endswith(w)]
    found = [(rest, m, _match(rest, section)) for rest, m in splits]
    named = [(rest, m) for rest, m, ent in found if isinstance(ent, Entity)]
    bare = [(rest, m) for rest, m, ent in found if ent is None]
    rest, measure = (named or bare or [(text, "决算")])[0]
    return _with_entity(rest, section, "数量" if kind == "count" else measure)


def _strip_measure(text: str) -> str:
    for word, _ in AMOUNT_MEASURES:
        if word and text.endswith(word) and len(text) > len(word):
            return text[: -len(word)]
    return text


def _with_entity(rest: str, section: str, measure: str, basis: str = "") -> Label:
    found = _match(rest, section)
    if found is False:
        return Label(None, measure, basis, unknown=True)
    return Label(found, measure, basis)


def _percent_label(text: str, section: str) -> Label:
    for word, budget in RATE_WORDS:
        if text.endswith(word):
            return _with_entity(_strip_measure(text[: -len(word)]), section, "完成率", budget)
    text = re.sub(r"(?:所占|的)?(?:占比|比重)$", "占", text)  # 占比12.22%, 所占比重为…: a share of the parent total
    share = re.search(r"占(.*?)的?$", text)
    if share:
        named = share.group(1)
        denominator = _match(named, section) if named else None
        if denominator is False:
            return Label(None, "占比", unknown=True)
        return _with_entity(text[: share.start()], section, "占比", denominator.key if denominator else "")
    for word in CHANGE_WORDS:
        if re.search(f"{word}了?$", text):
            rest = _COMPARE.sub("", re.sub(f"各?{word}了?$", "", text))
            return _with_entity(_strip_measure(rest), section, "增减率", word)
    return Label(None, "", unknown=True)
