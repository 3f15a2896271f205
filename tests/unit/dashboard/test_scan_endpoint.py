"""``POST /api/scan`` on a real fingerprint over real HTTP: verdicts as the CLI gives them, size
cap, unreadable files, concurrency limit, bounded queue, a free event loop, and no content in
the logs."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import polars as pl
import pytest

from cohortwatch.synth import format_cohort, generate_cohort, render_cohort
from dashboard.scan_api import ScanConfig, clean_filename
from matcher.dictionary import Dictionary, load_dictionary
from matcher.fingerprint import Fingerprint, build_fingerprint
from matcher.scan import ScanResult, scan_bytes
from tests.unit.dashboard.conftest import MakeToken, ServeDashboard

KEY = bytes(range(32))
WAIT = 10.0  # only reached when a test fails


@dataclass(frozen=True)
class Cohort:
    dictionary: Dictionary
    fingerprint: Fingerprint
    cohort: pl.DataFrame


@pytest.fixture(scope="module")
def cohort() -> Cohort:
    dictionary = load_dictionary()
    frame = generate_cohort(rows=2000, seed=7, dictionary=dictionary)
    text = render_cohort(frame, style="ukbconv", dictionary=dictionary)
    fp = build_fingerprint(text, dictionary=dictionary, key=KEY, releases={})
    return Cohort(dictionary, fp, frame)


def leak_csv(cohort: Cohort, rows: int = 6) -> bytes:
    return format_cohort(
        cohort.cohort.head(rows), style="ukbconv", dictionary=cohort.dictionary
    ).encode()


@pytest.fixture
def scan_config(cohort: Cohort) -> ScanConfig:
    return ScanConfig(
        fingerprint=cohort.fingerprint, key=KEY, max_bytes=64 * 1024, dictionary=cohort.dictionary
    )


@pytest.fixture
def gateway(make_token: MakeToken) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token('gateway', 'scan')}"}


@pytest.fixture
def client(serve_dashboard: ServeDashboard, scan_config: ScanConfig) -> Iterator[httpx.Client]:
    with (
        serve_dashboard(scan=scan_config) as served,
        httpx.Client(base_url=served.base_url, timeout=WAIT) as http,
    ):
        yield http


def test_verdicts_are_the_cli_json(
    client: httpx.Client, gateway: dict[str, str], cohort: Cohort, scan_config: ScanConfig
) -> None:
    data = leak_csv(cohort)
    leak = client.post(
        "/api/scan", content=data, headers=gateway | {"X-Filename": "../x/export.csv"}
    )
    assert leak.status_code == 200
    expected = scan_bytes(data, filename="export.csv", fingerprint=cohort.fingerprint, key=KEY,
                          dictionary=cohort.dictionary).to_json()  # fmt: skip
    assert leak.json() == expected
    assert leak.json()["verdict"] == "participant-level" and leak.json()["linked_rows"] >= 5

    clean = client.post("/api/scan", content=b"name,colour\nann,red\nbob,blue\n", headers=gateway)
    assert clean.status_code == 200
    assert clean.json()["verdict"] == "clean" and clean.json()["file"] == "upload"


def test_unreadable_file_is_422_with_one_line(
    client: httpx.Client, gateway: dict[str, str]
) -> None:
    bad = client.post(
        "/api/scan", content=b"PK\x03\x04 broken", headers=gateway | {"X-Filename": "b.xlsx"}
    )
    assert bad.status_code == 422
    detail = bad.json()["detail"]
    assert isinstance(detail, str) and detail and "\n" not in detail


def test_size_cap_is_413_before_the_body_is_read(
    client: httpx.Client, gateway: dict[str, str]
) -> None:
    too_big = b"a,b\n" + b"1,2\n" * (64 * 1024 // 4)
    assert client.post("/api/scan", content=too_big, headers=gateway).status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: refused once the stream passes the cap
        for _ in range(20):
            yield b"1,2\n" * 1024

    assert client.post("/api/scan", content=chunks(), headers=gateway).status_code == 413


def test_logs_hold_verdict_size_and_token_name_but_no_content(
    client: httpx.Client, gateway: dict[str, str], cohort: Cohort, caplog: pytest.LogCaptureFixture
) -> None:
    data = leak_csv(cohort)
    with caplog.at_level(logging.DEBUG):
        assert client.post(
            "/api/scan", content=data, headers=gateway | {"X-Filename": "e.csv"}
        ).is_success
    lines = [r.getMessage() for r in caplog.records if r.name == "dashboard.scan_api"]
    assert lines == [f"scan by token gateway: participant-level, {len(data)} bytes"]
    rows = data.decode().splitlines()[1:]
    cells = {c.strip('"') for row in rows for c in row.split(",") if len(c.strip('"')) >= 5}
    assert len(cells) > 20
    leaked = [c for c in cells if c in caplog.text]
    assert not leaked, leaked
    assert gateway["Authorization"].split()[1] not in caplog.text


class _BlockingScan(ScanConfig):
    """A scanner that waits for the test, to watch the endpoint while scans are running."""

    def __init__(self, *, concurrency: int, max_queued: int = 8) -> None:
        object.__setattr__(self, "fingerprint", None)
        object.__setattr__(self, "key", b"")
        object.__setattr__(self, "max_bytes", 1024)
        object.__setattr__(self, "concurrency", concurrency)
        object.__setattr__(self, "max_queued", max_queued)
        object.__setattr__(self, "dictionary", None)
        object.__setattr__(self, "state", {"active": 0, "most": 0})
        object.__setattr__(self, "lock", threading.Lock())
        object.__setattr__(self, "entered", threading.Event())
        object.__setattr__(self, "release", threading.Event())
        object.__setattr__(self, "pair", threading.Barrier(2, timeout=WAIT))

    def scan(self, data: bytes, filename: str) -> ScanResult:
        state, lock = self.state, self.lock  # type: ignore[attr-defined]
        with lock:
            state["active"] += 1
            state["most"] = max(state["most"], state["active"])
        self.entered.set()  # type: ignore[attr-defined]
        try:
            self.release.wait(WAIT)  # type: ignore[attr-defined]
            if self.concurrency > 1:
                self.pair.wait()  # type: ignore[attr-defined]
        finally:
            with lock:
                state["active"] -= 1
        return ScanResult(file=filename, verdict="clean")


def test_scans_run_off_the_event_loop_and_within_the_concurrency_limit(
    serve_dashboard: ServeDashboard, gateway: dict[str, str]
) -> None:
    blocking = _BlockingScan(concurrency=2)
    with serve_dashboard(scan=blocking) as served:
        url = f"{served.base_url}/api/scan"
        codes: list[int] = []

        def upload() -> None:
            codes.append(
                httpx.post(url, content=b"a,b\n", headers=gateway, timeout=WAIT).status_code
            )

        threads = [threading.Thread(target=upload) for _ in range(4)]
        for thread in threads:
            thread.start()
        assert blocking.entered.wait(WAIT)  # type: ignore[attr-defined]
        # A scan is running in a worker thread: the server still answers.
        assert httpx.get(f"{served.base_url}/api/health", timeout=WAIT).status_code == 200
        blocking.release.set()  # type: ignore[attr-defined]
        for thread in threads:
            thread.join(WAIT)
    assert codes == [200, 200, 200, 200]
    assert blocking.state["most"] == 2  # type: ignore[attr-defined]


def test_uploads_beyond_the_queue_get_503_at_once(
    serve_dashboard: ServeDashboard, gateway: dict[str, str]
) -> None:
    blocking = _BlockingScan(concurrency=1, max_queued=2)
    codes: list[int] = []
    refused: list[httpx.Response] = []
    answered = threading.Condition()
    with serve_dashboard(scan=blocking) as served:
        url = f"{served.base_url}/api/scan"

        def upload() -> None:
            response = httpx.post(url, content=b"a,b\n", headers=gateway, timeout=WAIT)
            with answered:
                codes.append(response.status_code)
                if response.status_code == 503:
                    refused.append(response)
                answered.notify_all()

        first = threading.Thread(target=upload)
        first.start()
        assert blocking.entered.wait(WAIT)  # type: ignore[attr-defined]
        # One scan runs and cannot finish: of six more uploads, two may wait, four are refused
        # while it runs (whatever order they arrive in).
        others = [threading.Thread(target=upload) for _ in range(6)]
        for thread in others:
            thread.start()
        with answered:
            assert answered.wait_for(lambda: len(codes) == 4, WAIT), codes
            assert codes == [503] * 4
        blocking.release.set()  # type: ignore[attr-defined]
        for thread in [first, *others]:
            thread.join(WAIT)
        assert sorted(codes) == [200] * 3 + [503] * 4
        assert blocking.state["most"] == 1  # type: ignore[attr-defined]
        for response in refused:
            assert response.headers["retry-after"] == "5"
            assert "retry later" in response.json()["detail"]
        # Once the queue has drained, uploads are taken again.
        assert httpx.post(url, content=b"a,b\n", headers=gateway, timeout=WAIT).status_code == 200


@pytest.mark.parametrize(
    ("given", "name"),
    [(None, "upload"), ("", "upload"), ("export.csv", "export.csv"),
     ("../../etc/passwd", "passwd"), ("C:\\x\\a.xlsx", "a.xlsx"), ("a\r\nb.csv", "ab.csv"),
     ("/", "upload"), ("x" * 300, "x" * 255)],
)  # fmt: skip
def test_filenames_are_cleaned(given: str | None, name: str) -> None:
    assert clean_filename(given) == name
