"""Turn the caller's small UK Biobank-shaped table into leak attachments (CSV, XLSX, ZIP).

Leak sellers do not all export the same way, so every attachment picks a header style:

- ``ukbconv``: the headers as given (``eid``, ``31-0.0``, ``21022-0.0``...);
- ``r``: the R ``ukbtools`` style (``f.eid``, ``f.31.0.0``);
- ``en``: Data Showcase titles (``Participant ID``, ``Sex``, ``Year of birth``...);
- ``zh``: Chinese translations (``参与者编号``, ``性别``, ``出生年份``...).

Headers that are not ``eid`` or ``<field>-<instance>.<array>`` are kept as they are; instance or
array other than 0 adds a `` [i.a]`` suffix to a title.  Every file is byte-for-byte deterministic:
spreadsheet properties and ZIP entry times are fixed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from crawler.demo.errors import DemoCatalogueError
from crawler.demo.models import DemoAttachment

HeaderStyle = Literal["ukbconv", "r", "en", "zh"]

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_TYPE = "application/zip"

_FIXED_TIME = dt.datetime(2024, 11, 18, 9, 30, 0)
_ZIP_TIME = (2024, 11, 18, 9, 30, 0)
_UKBCONV = re.compile(r"^(\d+)-(\d+)\.(\d+)$")

# Data Showcase titles (English) and the Chinese seen on resale listings, by field id.
_TITLES: dict[int, tuple[str, str]] = {
    31: ("Sex", "性别"),
    34: ("Year of birth", "出生年份"),
    52: ("Month of birth", "出生月份"),
    53: ("Date of attending assessment centre", "评估中心就诊日期"),
    54: ("UK Biobank assessment centre", "评估中心"),
    189: ("Townsend deprivation index at recruitment", "汤森剥夺指数"),
    806: ("Job involves mainly walking or standing", "工作需要走动或站立"),
    816: ("Job involves heavy manual or physical work", "工作涉及重体力劳动"),
    826: ("Job involves shift work", "工作涉及轮班"),
    1160: ("Sleep duration", "睡眠时长"),
    1180: ("Morning/evening person (chronotype)", "晨型/夜型"),
    1200: ("Sleeplessness / insomnia", "失眠"),
    1289: ("Cooked vegetable intake", "熟蔬菜摄入量"),
    1329: ("Oily fish intake", "油性鱼类摄入"),
    1349: ("Processed meat intake", "加工肉类摄入"),
    1558: ("Alcohol intake frequency.", "饮酒频率"),
    2050: ("Frequency of depressed mood in last 2 weeks", "近两周情绪低落频率"),
    2090: ("Seen doctor (GP) for nerves, anxiety, tension or depression", "因焦虑抑郁就诊"),
    20116: ("Smoking status", "吸烟状态"),
    20127: ("Neuroticism score", "神经质评分"),
    21022: ("Age at recruitment", "招募时年龄"),
    30000: ("White blood cell (leukocyte) count", "白细胞计数"),
    30010: ("Red blood cell (erythrocyte) count", "红细胞计数"),
    30020: ("Haemoglobin concentration", "血红蛋白浓度"),
    30030: ("Haematocrit percentage", "红细胞压积"),
    30040: ("Mean corpuscular volume", "平均红细胞体积"),
    30050: ("Mean corpuscular haemoglobin", "平均红细胞血红蛋白量"),
    30080: ("Platelet count", "血小板计数"),
    30120: ("Lymphocyte count", "淋巴细胞计数"),
    30130: ("Monocyte count", "单核细胞计数"),
    30140: ("Neutrophill count", "中性粒细胞计数"),
    30600: ("Albumin", "白蛋白"),
    30610: ("Alkaline phosphatase", "碱性磷酸酶"),
    30620: ("Alanine aminotransferase", "谷丙转氨酶"),
    30650: ("Aspartate aminotransferase", "谷草转氨酶"),
    30670: ("Urea", "尿素"),
    30690: ("Cholesterol", "总胆固醇"),
    30700: ("Creatinine", "肌酐"),
    30710: ("C-reactive protein", "C反应蛋白"),
    30740: ("Glucose", "血糖"),
    30750: ("Glycated haemoglobin (HbA1c)", "糖化血红蛋白"),
    30760: ("HDL cholesterol", "高密度脂蛋白胆固醇"),
    30780: ("LDL direct", "低密度脂蛋白胆固醇"),
    30870: ("Triglycerides", "甘油三酯"),
    30880: ("Urate", "尿酸"),
    41270: ("Diagnoses - ICD10", "ICD10诊断"),
    41280: ("Date of first in-patient diagnosis - ICD10", "ICD10首次住院诊断日期"),
}
_EID_NAMES = {"en": "Participant ID", "zh": "参与者编号"}


def rename_header(header: str, style: HeaderStyle) -> str:
    """Return ``header`` (ukbconv style) as a leak in ``style`` would spell it."""
    if style == "ukbconv":
        return header
    if header == "eid":
        return "f.eid" if style == "r" else _EID_NAMES[style]
    match = _UKBCONV.match(header)
    if match is None:
        return header
    field, instance, array = (int(part) for part in match.groups())
    if style == "r":
        return f"f.{field}.{instance}.{array}"
    titles = _TITLES.get(field)
    if titles is None:
        return header
    title = titles[0] if style == "en" else titles[1]
    return title if (instance, array) == (0, 0) else f"{title} [{instance}.{array}]"


@dataclass(frozen=True)
class SampleTable:
    """The caller's sample (header + rows) and the attachment builders that use it."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    @classmethod
    def from_lists(cls, header: Sequence[str], rows: Sequence[Sequence[str]]) -> SampleTable:
        """Validate and freeze a header and rows handed over by the caller."""
        head = tuple(str(cell) for cell in header)
        if not head:
            raise DemoCatalogueError("sample_header is empty")
        if len(set(head)) != len(head):
            raise DemoCatalogueError("sample_header has duplicate column names")
        if not rows:
            raise DemoCatalogueError("sample_rows is empty")
        body = tuple(tuple(str(cell) for cell in row) for row in rows)
        for number, row in enumerate(body, start=1):
            if len(row) != len(head):
                raise DemoCatalogueError(
                    f"sample row {number} has {len(row)} cells, header has {len(head)}"
                )
        return cls(header=head, rows=body)

    def table(
        self, *, headers: HeaderStyle = "ukbconv", start: int = 0, stop: int | None = None
    ) -> list[list[str]]:
        """Return header + the rows ``[start:stop]`` with renamed headers."""
        rows = self.rows[start:stop] or self.rows[:1]
        return [[rename_header(h, headers) for h in self.header], *(list(r) for r in rows)]

    def csv(
        self,
        filename: str,
        *,
        headers: HeaderStyle = "ukbconv",
        start: int = 0,
        stop: int | None = None,
        bom: bool = False,
    ) -> DemoAttachment:
        """Build a CSV attachment (``bom`` for the UTF-8 BOM Excel in China writes)."""
        data = csv_bytes(self.table(headers=headers, start=start, stop=stop), bom=bom)
        return DemoAttachment(filename=filename, content_type=CSV_TYPE, data=data)

    def xlsx(
        self,
        filename: str,
        *,
        headers: HeaderStyle = "ukbconv",
        start: int = 0,
        stop: int | None = None,
        sheet: str = "Sheet1",
    ) -> DemoAttachment:
        """Build an XLSX attachment with one sheet; numbers stay text, as in the source."""
        data = xlsx_bytes(self.table(headers=headers, start=start, stop=stop), sheet=sheet)
        return DemoAttachment(filename=filename, content_type=XLSX_TYPE, data=data)

    def zip(
        self,
        filename: str,
        *,
        inner_name: str,
        headers: HeaderStyle = "ukbconv",
        start: int = 0,
        stop: int | None = None,
        note: str = "",
    ) -> DemoAttachment:
        """Build a ZIP holding the sample as ``inner_name`` (CSV) and an optional readme."""
        members = [(inner_name, csv_bytes(self.table(headers=headers, start=start, stop=stop)))]
        if note:
            members.append(("readme.txt", note.encode("utf-8")))
        return DemoAttachment(filename=filename, content_type=ZIP_TYPE, data=zip_bytes(members))


def csv_bytes(table: Sequence[Sequence[str]], *, bom: bool = False) -> bytes:
    """Serialise rows as CSV (RFC 4180, CRLF line ends), UTF-8 with an optional BOM."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(table)
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def xlsx_bytes(table: Sequence[Sequence[str]], *, sheet: str = "Sheet1") -> bytes:
    """Serialise rows as a one-sheet XLSX workbook, in memory and deterministic."""
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    for row in table:
        worksheet.append(list(row))
    workbook.properties.creator = "Administrator"
    workbook.properties.created = _FIXED_TIME
    workbook.properties.modified = _FIXED_TIME
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    return _fix_zip_times(buffer.getvalue())


def zip_bytes(members: Sequence[tuple[str, bytes]]) -> bytes:
    """Pack ``(name, data)`` members into a deflated ZIP with fixed entry times."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            if not name.isascii():
                info.flag_bits |= 0x800  # names are UTF-8
            archive.writestr(info, data)
    return buffer.getvalue()


def _fix_zip_times(data: bytes) -> bytes:
    """Rewrite a ZIP so every entry carries the fixed timestamp."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = [(info.filename, source.read(info)) for info in source.infolist()]
    return zip_bytes(members)
