"""Read leaked samples in every format a seller or researcher uses (see ``readers``)."""

from __future__ import annotations

from matcher.samples.containers import Limits, SampleError
from matcher.samples.readers import SampleTable, read_tables
from matcher.samples.text import text_tables

__all__ = ["Limits", "SampleError", "SampleTable", "read_tables", "text_tables"]
