"""Map table headers to UK Biobank fields, in every header style a leak is seen in.

:func:`map_columns` takes a header row and a :class:`~matcher.dictionary.Dictionary` and says, per
column, which field (instance, array index) it holds, or that it holds the participant ID, or
nothing we know. Styles understood: ukbconv ``31-0.0``, R ``f.31.0.0`` (and ``X31.0.0`` from
``read.csv``), readable ``sex_f31_0_0``, RAP ``p31``/``p53_i0``/``p41270_a3``, Showcase titles
(``Sex``, ``... | Instance 0 | Array 3``, ``Title [0.3]``), the ukbtools snake-case title, and the
Chinese translations seen on resale listings. Pure and cheap; the listing-text matcher reuses it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from matcher.dictionary import Dictionary

Kind = Literal["eid", "field"]

# Chinese titles seen in resale listings (and the demo marketplace), by field id.
CHINESE_TITLES: Mapping[int, tuple[str, ...]] = {
    31: ("性别",), 34: ("出生年份", "出生年"), 52: ("出生月份", "出生月"),
    53: ("评估中心就诊日期", "就诊日期", "评估日期"), 54: ("评估中心",),
    189: ("汤森剥夺指数", "汤森贫困指数"), 806: ("工作需要走动或站立",),
    816: ("工作涉及重体力劳动",), 826: ("工作涉及轮班",), 1160: ("睡眠时长",),
    1180: ("晨型/夜型",), 1200: ("失眠",), 1289: ("熟蔬菜摄入量",), 1329: ("油性鱼类摄入",),
    1349: ("加工肉类摄入",), 1558: ("饮酒频率",), 2050: ("近两周情绪低落频率",),
    2090: ("因焦虑抑郁就诊",), 20116: ("吸烟状态",), 20127: ("神经质评分",),
    21022: ("招募时年龄",), 30000: ("白细胞计数",), 30010: ("红细胞计数",),
    30020: ("血红蛋白浓度",), 30030: ("红细胞压积",), 30040: ("平均红细胞体积",),
    30050: ("平均红细胞血红蛋白量",), 30080: ("血小板计数",), 30120: ("淋巴细胞计数",),
    30130: ("单核细胞计数",), 30140: ("中性粒细胞计数",), 30600: ("白蛋白",),
    30610: ("碱性磷酸酶",), 30620: ("谷丙转氨酶",), 30650: ("谷草转氨酶",), 30670: ("尿素",),
    30690: ("总胆固醇",), 30700: ("肌酐",), 30710: ("C反应蛋白",), 30740: ("血糖",),
    30750: ("糖化血红蛋白",), 30760: ("高密度脂蛋白胆固醇",), 30780: ("低密度脂蛋白胆固醇",),
    30870: ("甘油三酯",), 30880: ("尿酸",), 41270: ("ICD10诊断",),
    41280: ("ICD10首次住院诊断日期",),
}  # fmt: skip
EID_NAMES = frozenset(
    {"eid", "f.eid", "participant id", "participant_id", "participant.eid", "participant",
     "n_eid", "p_eid", "id", "参与者编号", "参与者id", "受试者编号", "编号"}
)  # fmt: skip

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ukbconv", re.compile(r"^(\d+)-(\d+)\.(\d+)$")),
    ("r", re.compile(r"^[fx]\.?(\d+)\.(\d+)\.(\d+)$")),
    ("readable", re.compile(r"^[a-z0-9_]*?_?f(\d+)_(\d+)_(\d+)$")),
    ("rap", re.compile(r"^(?:participant\.)?p(\d+)(?:_i(\d+))?(?:_a(\d+))?$")),
)
_TITLE_SUFFIX = re.compile(
    r"\s*(?:\|\s*instance\s*(\d+))?\s*(?:\|\s*array\s*(\d+))?\s*(?:[\[(](\d+)\.(\d+)[\])])?\s*$"
)


@dataclass(frozen=True)
class ColumnMapping:
    """What one column holds: the participant ID, or a field (instance, array index).

    ``array`` is None for a RAP column that holds the whole array in one cell.
    """

    kind: Kind
    field_id: int = 0
    instance: int = 0
    array: int | None = 0
    style: str = ""

    @property
    def key(self) -> str:
        """``eid`` or the canonical ukbconv name (``41270-0.3``; ``41270-0.*`` for a list cell)."""
        if self.kind == "eid":
            return "eid"
        array = "*" if self.array is None else str(self.array)
        return f"{self.field_id}-{self.instance}.{array}"


def normalise_header(header: str) -> str:
    """Lower-case, NFKC, collapse spaces, strip quotes and a BOM: the form titles compare in."""
    text = unicodedata.normalize("NFKC", header).replace("\ufeff", "").strip().strip("\"'`")
    return re.sub(r"\s+", " ", text).lower()


def _title_key(title: str) -> str:
    return re.sub(r"[^0-9a-z\u4e00-\u9fff]+", "", normalise_header(title))


_TITLE_CACHE: dict[int, tuple[Dictionary, dict[str, int]]] = {}


def _titles(dictionary: Dictionary) -> dict[str, int]:
    cached = _TITLE_CACHE.get(id(dictionary))
    if cached is not None and cached[0] is dictionary:
        return cached[1]
    titles: dict[str, int] = {}
    for field_id, info in sorted(dictionary.fields.items()):
        titles.setdefault(_title_key(info.title), field_id)
    for field_id, names in CHINESE_TITLES.items():
        for name in names:
            titles.setdefault(_title_key(name), field_id)
    if len(_TITLE_CACHE) > 8:
        _TITLE_CACHE.clear()
    _TITLE_CACHE[id(dictionary)] = (dictionary, titles)
    return titles


def map_column(header: str, dictionary: Dictionary) -> ColumnMapping | None:
    """The mapping of one header, or None when it names nothing we know."""
    text = normalise_header(header)
    if not text:
        return None
    if text in EID_NAMES:
        return ColumnMapping("eid", style="eid")
    for style, pattern in _PATTERNS:
        match = pattern.match(text)
        if match is None:
            continue
        field_id = int(match.group(1))
        if field_id not in dictionary.fields:
            return None
        instance = int(match.group(2) or 0)
        if style == "rap":
            info = dictionary.fields[field_id]
            array: int | None = int(match.group(3)) if match.group(3) else None
            if array is None and info.array <= 1:
                array = 0
            return ColumnMapping("field", field_id, instance, array, style)
        return ColumnMapping("field", field_id, instance, int(match.group(3)), style)
    return _map_title(text, dictionary)


def _map_title(text: str, dictionary: Dictionary) -> ColumnMapping | None:
    suffix = _TITLE_SUFFIX.search(text)
    instance, array = 0, 0
    title = text
    if suffix is not None and suffix.group(0):
        title = text[: suffix.start()]
        if suffix.group(3) is not None:
            instance, array = int(suffix.group(3)), int(suffix.group(4))
        else:
            instance, array = int(suffix.group(1) or 0), int(suffix.group(2) or 0)
    field_id = _titles(dictionary).get(_title_key(title))
    if field_id is None:
        field_id = _snake_title(title, dictionary)
    if field_id is None:
        return None
    return ColumnMapping("field", field_id, instance, array, "title")


def _snake_title(title: str, dictionary: Dictionary) -> int | None:
    """ukbtools-style names without the field suffix (``sleeplessness_insomnia``)."""
    if "_" not in title:
        return None
    return _titles(dictionary).get(_title_key(title.replace("_", " ")))


def map_columns(headers: Sequence[str], dictionary: Dictionary) -> list[ColumnMapping | None]:
    """Map each header; a field seen twice keeps only its first column."""
    seen: set[str] = set()
    mapped: list[ColumnMapping | None] = []
    for header in headers:
        mapping = map_column(str(header), dictionary)
        if mapping is not None and mapping.key in seen:
            mapping = None
        if mapping is not None:
            seen.add(mapping.key)
        mapped.append(mapping)
    return mapped


def header_names(cells: Sequence[str]) -> list[str]:
    """Column names from a header row: stripped, ``column_N`` for an empty cell, and a name
    seen before gets ``_`` appended until it is new."""
    names: list[str] = []
    for index, cell in enumerate(cells):
        name = cell.strip() or f"column_{index + 1}"
        while name in names:
            name += "_"
        names.append(name)
    return names


def mapped_fields(mappings: Sequence[ColumnMapping | None]) -> list[int]:
    """The distinct field ids among the mappings, in order of first appearance."""
    fields: list[int] = []
    for mapping in mappings:
        if mapping is not None and mapping.kind == "field" and mapping.field_id not in fields:
            fields.append(mapping.field_id)
    return fields
