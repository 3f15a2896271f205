"""Failed authentication is throttled per client address: the counter itself on a fake clock,
then bearer tokens and the login form over real HTTP (uvicorn takes the client address from
``X-Forwarded-For`` when the connection comes from 127.0.0.1, as behind a local TLS proxy, so the
tests act as several clients), on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import httpx
import pytest

from cohortwatch.settings import SettingsError, load_settings
from dashboard.scan_api import ScanConfig
from dashboard.throttle import FailureThrottle, ThrottleLimits, client_key
from tests.unit.dashboard.conftest import MakeToken, ServeDashboard

LIMIT = 3
WINDOW = 300.0
LIMITS = ThrottleLimits(max_failures=LIMIT, window_seconds=WINDOW)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# The counter --------------------------------------------------------------------------------


def test_throttles_after_max_failures_in_the_window_and_lets_one_more_try_per_expiry() -> None:
    clock = FakeClock()
    throttle = FailureThrottle(LIMITS, clock=clock)
    for _ in range(LIMIT - 1):
        throttle.record_failure("192.0.2.1")
        clock.now += 10
    assert throttle.retry_after("192.0.2.1") is None
    throttle.record_failure("192.0.2.1")  # the third, at t=1020
    assert throttle.retry_after("192.0.2.1") == 280  # until the first (t=1000) leaves the window
    assert throttle.retry_after("192.0.2.2") is None
    clock.now = 1000 + WINDOW  # the first failure leaves the window: one more try
    assert throttle.retry_after("192.0.2.1") is None
    throttle.record_failure("192.0.2.1")
    assert throttle.retry_after("192.0.2.1") == 10  # until the second (t=1010) leaves
    clock.now += 10 + WINDOW  # all old: a fresh start
    assert throttle.retry_after("192.0.2.1") is None
    assert len(throttle) == 0


def test_warns_once_per_episode_with_the_address(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    throttle = FailureThrottle(LIMITS, clock=clock)
    with caplog.at_level(logging.INFO, logger="dashboard.throttle"):
        for _ in range(LIMIT * 3):
            throttle.record_failure("192.0.2.7")
            clock.now += 1
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert [r.getMessage() for r in warnings] == [
            f"client 192.0.2.7 throttled: {LIMIT} failed authentications within 300 s"
        ]
        clock.now += WINDOW  # quiet for a window: a new episode is reported again
        for _ in range(LIMIT):
            throttle.record_failure("192.0.2.7")
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 2


def test_remembers_at_most_max_clients_forgetting_the_longest_quiet() -> None:
    throttle = FailureThrottle(ThrottleLimits(max_failures=1, max_clients=2), clock=FakeClock())
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.1", "192.0.2.3"):
        throttle.record_failure(address)
    assert len(throttle) == 2
    assert throttle.retry_after("192.0.2.2") is None  # forgotten
    assert throttle.retry_after("192.0.2.1") is not None
    assert throttle.retry_after("192.0.2.3") is not None


@pytest.mark.parametrize(
    ("address", "key"),
    [("192.0.2.1", "192.0.2.1"), ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
     ("2001:db8:1:2:ffff::9", "2001:db8:1:2::/64"), ("::ffff:192.0.2.1", "192.0.2.1"),
     (None, "unknown"), ("", "unknown"), ("testclient", "testclient")],
)  # fmt: skip
def test_clients_are_addresses_and_ipv6_slash_64s(address: str | None, key: str) -> None:
    assert client_key(address) == key


@pytest.mark.parametrize(
    "limits",
    [{"max_failures": 0}, {"window_seconds": 0}, {"max_clients": 0}],
)
def test_limits_must_be_positive(limits: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="positive"):
        ThrottleLimits(**limits)  # type: ignore[arg-type]


# Over HTTP -----------------------------------------------------------------------------------


def bearer(token: str, address: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "X-Forwarded-For": address}


def wrong_secret(token: str) -> str:
    """The token with another secret: its prefix exists."""
    return token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")


def test_bad_bearer_tokens_get_429_and_then_even_a_good_one_does(
    make_token: MakeToken, serve_dashboard: ServeDashboard
) -> None:
    good = make_token("analyst", "read")
    with serve_dashboard(throttle=LIMITS) as served, httpx.Client(base_url=served.base_url) as http:
        codes = [
            http.get("/api/alerts", headers=bearer("cw_000000000000_x", "198.51.100.1")).status_code
            for _ in range(LIMIT + 2)
        ]
        assert codes == [401] * LIMIT + [429, 429]
        throttled = http.get("/api/alerts", headers=bearer(good, "198.51.100.1"))
        assert throttled.status_code == 429  # refused before the token is looked at
        assert throttled.json() == {"detail": "too many failed authentications"}
        assert 0 < int(throttled.headers["retry-after"]) <= WINDOW
        assert http.get("/", headers=bearer(good, "198.51.100.1")).status_code == 429
        # Another client is not affected, and public routes stay open.
        assert http.get("/api/alerts", headers=bearer(good, "198.51.100.2")).status_code == 200
        bad_other = bearer("cw_000000000000_x", "198.51.100.2")
        assert http.get("/api/alerts", headers=bad_other).status_code == 401
        assert http.get("/api/health", headers={"X-Forwarded-For": "198.51.100.1"}).is_success


def test_throttle_answers_the_same_whether_the_prefix_exists_or_not(
    make_token: MakeToken, serve_dashboard: ServeDashboard
) -> None:
    real = make_token("analyst", "read")
    known_prefix = wrong_secret(real)
    unknown_prefix = "cw_" + ("0" * 12 if real[3:15] != "0" * 12 else "1" * 12) + real[15:]
    answers = {}
    with serve_dashboard(throttle=LIMITS) as served, httpx.Client(base_url=served.base_url) as http:
        for what, token, address in (
            ("known", known_prefix, "198.51.100.10"),
            ("unknown", unknown_prefix, "198.51.100.11"),
        ):
            responses = [
                http.get("/api/alerts", headers=bearer(token, address)) for _ in range(LIMIT + 2)
            ]
            answers[what] = [
                (r.status_code, r.text, sorted(set(r.headers) - {"date", "retry-after"}))
                for r in responses
            ]
    assert answers["known"] == answers["unknown"]
    assert [code for code, _, _ in answers["known"]] == [401] * LIMIT + [429, 429]


def test_successes_and_missing_credentials_do_not_count(
    make_token: MakeToken, serve_dashboard: ServeDashboard
) -> None:
    good = make_token("analyst", "read")
    address = "198.51.100.20"
    with serve_dashboard(throttle=LIMITS) as served, httpx.Client(base_url=served.base_url) as http:
        for _ in range(LIMIT - 1):
            assert http.get("/api/alerts", headers=bearer("nonsense", address)).status_code == 401
            for _ in range(5):
                assert http.get("/api/alerts", headers=bearer(good, address)).status_code == 200
        no_token = {"X-Forwarded-For": address}
        for _ in range(LIMIT * 2):  # a browser before it logs in, a stale cookie: not guesses
            assert http.get("/", headers=no_token).status_code == 401
            cookie = no_token | {"Cookie": "cw_session=forged.1.x.y"}
            assert http.get("/api/alerts", headers=cookie).status_code == 401
        assert http.get("/api/alerts", headers=bearer(good, address)).status_code == 200
        # The LIMIT-th failure, despite all the successes in between, throttles the client.
        assert http.get("/api/alerts", headers=bearer("nonsense", address)).status_code == 401
        assert http.get("/api/alerts", headers=bearer(good, address)).status_code == 429


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match, page
    return match.group(1)


def test_failed_logins_are_throttled_but_a_logged_in_session_keeps_working(
    make_token: MakeToken, serve_dashboard: ServeDashboard, caplog: pytest.LogCaptureFixture
) -> None:
    good = make_token("analyst", "read")
    address = {"X-Forwarded-For": "198.51.100.30"}
    with (
        serve_dashboard(throttle=LIMITS) as served,
        httpx.Client(base_url=served.base_url, headers=address) as analyst,
        httpx.Client(base_url=served.base_url, headers=address) as guesser,
        caplog.at_level(logging.INFO),
    ):
        logged_in = analyst.post(
            "/login", data={"token": good, "csrf": _csrf(analyst.get("/login").text)}
        )
        assert logged_in.status_code == 303  # fmt: skip

        page = guesser.get("/login")
        codes = []
        for i in range(LIMIT + 1):
            page = guesser.post(
                "/login", data={"token": f"cw_{i:012d}_guess", "csrf": _csrf(page.text)}
            )
            codes.append(page.status_code)  # fmt: skip
        assert codes == [401] * LIMIT + [429]
        assert "Too many failed logins from your address; try again in 5 minutes." in page.text
        assert 0 < int(page.headers["retry-after"]) <= WINDOW
        # The right token, or a bearer token, from that address: refused until the window ends.
        again = guesser.post("/login", data={"token": good, "csrf": _csrf(page.text)})
        assert again.status_code == 429 and "cw_session" not in again.headers.get("set-cookie", "")
        assert guesser.get("/api/alerts", headers={"Authorization": f"Bearer {good}"}).status_code == 429  # fmt: skip
        assert guesser.get("/login").status_code == 200  # the form itself stays open
        # The session made before the guessing is signed, not guessable: it is not throttled.
        assert analyst.get("/").status_code == 200
        assert analyst.get("/api/alerts").status_code == 200

    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in warnings] == [
        f"client 198.51.100.30 throttled: {LIMIT} failed authentications within 300 s"
    ]
    assert good not in caplog.text and "guess" not in caplog.text


def test_settings_default_to_the_dashboards_limits_and_read_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COHORTWATCH_CONFIG", str(tmp_path / "none.toml"))
    defaults = load_settings()
    assert defaults.auth_max_failures == ThrottleLimits().max_failures == 10
    assert defaults.auth_failure_window_seconds == ThrottleLimits().window_seconds == 300
    assert defaults.scan_max_queued == ScanConfig.max_queued == 8
    monkeypatch.setenv("COHORTWATCH_AUTH_MAX_FAILURES", "3")
    monkeypatch.setenv("COHORTWATCH_SCAN_MAX_QUEUED", "0")
    assert load_settings().auth_max_failures == 3
    assert load_settings().scan_max_queued == 0
    monkeypatch.setenv("COHORTWATCH_AUTH_FAILURE_WINDOW_SECONDS", "0")
    with pytest.raises(SettingsError, match="auth_failure_window_seconds"):
        load_settings()
