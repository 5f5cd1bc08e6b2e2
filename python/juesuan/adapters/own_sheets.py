"""juesuan's own sheets in a file (审核结果, the hidden record, 说明核对 …): adding, finding and removing them.

A sheet is ours when it carries a hidden sheet-level defined name :data:`~juesuan.plan.OWN_MARKER` whose value is the sheet's
name as we gave it. Excel and LibreOffice keep such names through save and reopen, move them with the sheet, and a
copy the user makes of our sheet gets another name, so it stops being ours. A user's own sheet named 审核结果
carries no marker and is never touched: ours is then called 审核结果（2）.

Adding or removing a sheet shifts the positions that sheet-level names and the workbook view refer to; this
module keeps them right.
"""

from __future__ import annotations

from lxml import etree

from ..plan import OWN_MARKER, marker_value, own_name
from .package import WORKSHEET_TYPE, Package, SheetRef

__all__ = ["OwnSheets", "quote_sheet"]

_WORKBOOK_ORDER = ["fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets",
                   "functionGroups", "externalReferences", "definedNames", "calcPr", "oleSize", "customWorkbookViews",
                   "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing", "fileRecoveryPr",
                   "webPublishObjects", "extLst"]


def quote_sheet(name: str) -> str:
    """A sheet name as formulas and defined names write it: ``'审核结果'``."""
    return "'" + name.replace("'", "''") + "'"


class OwnSheets:
    """The workbook part's sheet list, defined names and views, edited together."""

    def __init__(self, package: Package) -> None:
        self.package = package
        self.q = package.q

    def _workbook(self) -> etree._Element:
        return self.package.workbook(edit=True)

    def _names(self, *, create: bool = False) -> etree._Element | None:
        wb = self.package.workbook()
        names = wb.find(self.q("definedNames"))
        if names is None and create:
            names = etree.Element(self.q("definedNames"))
            later = set(_WORKBOOK_ORDER[_WORKBOOK_ORDER.index("definedNames") + 1:])
            anchor = next((e for e in self._workbook() if isinstance(e.tag, str) and etree.QName(e).localname in later), None)
            if anchor is None:
                self._workbook().append(names)
            else:
                anchor.addprevious(names)
        return names

    def own(self) -> dict[str, SheetRef]:
        """Our sheets by their current name."""
        names = self._names()
        marked = {}
        for name in names.findall(self.q("definedName")) if names is not None else ():
            if name.get("name") == OWN_MARKER and (name.get("localSheetId") or "").isdigit():
                marked[int(name.get("localSheetId", "-1"))] = (name.text or "").strip()
        return {ref.name: ref for ref in self.package.sheets() if marked.get(ref.index) == marker_value(ref.name)}

    def free_name(self, wanted: str) -> str:
        """``wanted``, or ``wanted（2）``, ``（3）`` … when a sheet of the user's is called that (case-insensitively,
        as Excel compares sheet names). Sheet names are at most 31 characters."""
        taken = {ref.name.casefold() for ref in self.package.sheets()}
        name, n = wanted[:31], 1
        while name.casefold() in taken:
            n += 1
            suffix = f"（{n}）"
            name = wanted[: 31 - len(suffix)] + suffix
        return name

    # -------------------------------------------------------------- positions

    def _shift(self, index: int, delta: int) -> None:
        """Sheet positions at or after ``index`` move by ``delta`` (names scoped to a removed sheet go with it)."""
        names = self._names()
        if names is not None:
            for name in list(names.findall(self.q("definedName"))):
                local = name.get("localSheetId")
                if local is None or not local.isdigit():
                    continue
                position = int(local)
                if delta < 0 and position == index:
                    names.remove(name)
                elif position >= index + (1 if delta < 0 else 0):
                    name.set("localSheetId", str(position + delta))
            if len(names) == 0:
                self._workbook().remove(names)
        views = self.package.workbook().find(self.q("bookViews"))
        for view in views if views is not None else ():
            for attr in ("activeTab", "firstSheet"):
                value = view.get(attr)
                if value is not None and value.isdigit() and int(value) >= index + (1 if delta < 0 else 0):
                    view.set(attr, str(max(0, int(value) + delta)))

    # -------------------------------------------------------------- editing

    def remove(self, ref: SheetRef) -> None:
        """Drop one of our sheets: its <sheet>, relationship, part and names; views shift back."""
        wb = self._workbook()
        sheets = wb.find(self.q("sheets"))
        sheets.remove(ref.element)
        self.package.unrelate(self.package.workbook_part, ref.rid)
        for _, target in self.package.targets(ref.part, "comments") + self.package.targets(ref.part, "vmlDrawing"):
            self.package.remove(target)
        self.package.remove(ref.part)
        self._shift(ref.index, -1)
        self._visible_active_tab()

    def add(self, name: str, root: etree._Element, *, index: int | None = None, hidden: bool = False) -> SheetRef:
        """A new sheet of ours at ``index`` (default: last), marked as ours."""
        wb = self._workbook()
        sheets = wb.find(self.q("sheets"))
        count = len(sheets)
        index = count if index is None else min(index, count)
        part = self.package.new_name("xl/worksheets/sheet{}.xml")
        self.package.put(part, root, WORKSHEET_TYPE)
        rid = self.package.relate(self.package.workbook_part, part, "worksheet")
        ids = [int(s.get("sheetId", "0")) for s in sheets if (s.get("sheetId") or "").isdigit()]
        element = etree.Element(self.q("sheet"), name=name, sheetId=str(max(ids, default=0) + 1))
        if hidden:
            element.set("state", "hidden")
        element.set(f"{{{self.package.r_ns}}}id", rid)
        sheets.insert(index, element)
        self._shift(index, +1)
        self.define(OWN_MARKER, marker_value(name), index, hidden=True)
        return SheetRef(element, part, index, self.package.r_ns)

    def define(self, name: str, value: str, local: int, *, hidden: bool = False) -> None:
        names = self._names(create=True)
        assert names is not None
        element = etree.SubElement(names, self.q("definedName"), name=name, localSheetId=str(local))
        if hidden:
            element.set("hidden", "1")
        element.text = value

    def _visible_active_tab(self) -> None:
        """The active tab must be a visible sheet (ours may have been it)."""
        views = self.package.workbook().find(self.q("bookViews"))
        sheets = self.package.workbook().find(self.q("sheets"))
        visible = [i for i, s in enumerate(sheets) if s.get("state", "visible") == "visible"]
        for view in views if views is not None and visible else ():
            active = int(view.get("activeTab", "0") or 0)
            if active not in visible:
                view.set("activeTab", str(visible[0]))
            if int(view.get("firstSheet", "0") or 0) >= len(sheets):
                view.set("firstSheet", "0")

    def replace(self, wanted: str, root: etree._Element, *, index: int | None, hidden: bool) -> SheetRef:
        """Our sheet called ``wanted`` (an earlier one of ours with that name is removed first)."""
        while True:  # positions shift with each removal: look again each time
            earlier = next((ref for name, ref in self.own().items() if own_name(name) == wanted), None)
            if earlier is None:
                break
            self.remove(earlier)
        return self.add(self.free_name(wanted), root, index=index, hidden=hidden)

