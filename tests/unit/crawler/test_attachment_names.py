"""Attachment names come from Content-Disposition (RFC 5987 first) and never carry a path."""

from __future__ import annotations

import pytest
from scrapy.http import Response

from crawler.spiders.base import _filename_of

URL = "http://127.0.0.1/files/1/%E6%A0%B7%E6%9C%AC.csv"


@pytest.mark.parametrize(
    ("disposition", "expected"),
    [
        (
            "attachment; filename=\"UKB___.csv\"; filename*=UTF-8''UKB_%E6%A0%B7%E6%9C%AC.csv",
            "UKB_样本.csv",
        ),
        ('attachment; filename="plain.xlsx"', "plain.xlsx"),
        ('attachment; filename="../../etc/passwd"', "passwd"),
        ("attachment; filename*=UTF-8''..%2F..%2Fevil.zip", "evil.zip"),
        ('attachment; filename="C:\\\\temp\\\\x.csv"', "x.csv"),
        ("", "样本.csv"),
    ],
)
def test_filename_of(disposition: str, expected: str) -> None:
    headers = {"Content-Disposition": disposition.encode("latin-1")} if disposition else {}
    assert _filename_of(Response(URL, headers=headers)) == expected
