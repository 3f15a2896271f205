"""The shape of a synthetic cohort: canonical column names, precision per field, array widths.

A cohort frame has ``eid`` and one column per field-instance-array in ukbconv's spelling
(``"31-0.0"``, ``"41270-0.3"``), ordered as ukbconv orders them (by field id, instance, array).
Categorical and integer fields are ``Int64`` (ICD-10 codes are ``String``), continuous fields
``Float64`` already rounded to the precision UK Biobank publishes, dates ``Date``; a missing value
is null.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cohortwatch.errors import UsageError
from matcher.dictionary import Dictionary
from matcher.ukb.subset import ICD10_CODES, ICD10_CODING

EID = "eid"
ICD10_FIELD = 41270
ICD10_DATE_FIELD = 41280
ICD10_ARRAY_WIDTH = 8  # most diagnoses any synthetic participant gets

# Decimal places UK Biobank gives each continuous field (trailing zeros are not written).
DECIMALS: dict[int, int] = {
    189: 5,  # Townsend deprivation index, e.g. -3.21445
    30000: 2,  # white blood cell count
    30010: 3,  # red blood cell count
    30020: 2,  # haemoglobin
    30030: 2,  # haematocrit
    30040: 2,  # mean corpuscular volume
    30050: 2,  # mean corpuscular haemoglobin
    30080: 1,  # platelet count
    30120: 2,  # lymphocyte count
    30130: 2,  # monocyte count
    30140: 2,  # neutrophil count
    30600: 3,  # albumin
    30610: 3,  # alkaline phosphatase
    30620: 3,  # alanine aminotransferase
    30650: 3,  # aspartate aminotransferase
    30670: 3,  # urea
    30690: 3,  # cholesterol
    30700: 3,  # creatinine
    30710: 3,  # C-reactive protein
    30740: 3,  # glucose
    30750: 1,  # HbA1c, mmol/mol
    30760: 3,  # HDL cholesterol
    30780: 3,  # LDL direct
    30870: 3,  # triglycerides
    30880: 3,  # urate
}

_COLUMN = re.compile(r"^(\d+)-(\d+)\.(\d+)$")


@dataclass(frozen=True)
class ColumnId:
    """Field, instance and array index of one canonical column."""

    field_id: int
    instance: int
    array: int


def column_name(field_id: int, instance: int = 0, array: int = 0) -> str:
    """The canonical (ukbconv) column name: ``column_name(41270, 0, 3) == "41270-0.3"``."""
    return f"{field_id}-{instance}.{array}"


def parse_column(name: str) -> ColumnId | None:
    """Split a canonical column name; None for ``eid`` or anything else."""
    match = _COLUMN.match(name)
    if match is None:
        return None
    return ColumnId(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def require_codes(dictionary: Dictionary, field_id: int, codes: tuple[int | str, ...]) -> None:
    """Raise UsageError unless every code is a value of the field's coding in the dictionary."""
    info = dictionary.fields.get(field_id)
    if info is None:
        raise UsageError(f"the dictionary has no field {field_id}")
    if info.coding is None:
        raise UsageError(f"field {field_id} has no coding in the dictionary")
    values = dictionary.codings.get(info.coding, {})
    unknown = [code for code in codes if str(code) not in values]
    if unknown:
        raise UsageError(
            f"coding {info.coding} (field {field_id}) lacks value(s) {unknown[:5]}; "
            "is this the UK Biobank dictionary?"
        )


def icd10_codes(dictionary: Dictionary) -> tuple[str, ...]:
    """The ICD-10 codes the generator draws from, most common first, checked against coding 19."""
    info = dictionary.fields.get(ICD10_FIELD)
    if info is None or info.coding != ICD10_CODING:
        raise UsageError(f"the dictionary has no field {ICD10_FIELD} with coding {ICD10_CODING}")
    require_codes(dictionary, ICD10_FIELD, ICD10_CODES)
    return ICD10_CODES
