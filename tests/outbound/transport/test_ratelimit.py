"""Sliding-window rate limits, overall and per recipient domain, on a clock the test moves."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from outbound.transport import RateLimiter, RateLimits
from tests.outbound.transport.conftest import MakeTransport
from tests.outbound.transport.messages import finished_message
from tests.support.smtp_sink import SmtpSink


class FakeClock:
    """Monotonic seconds that only move when told; sleeping moves them."""

    def __init__(self, start: float = 500.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_the_global_limit_allows_n_per_second_in_any_window() -> None:
    # Given a limit of 3 per second
    clock = FakeClock()
    limiter = RateLimiter(RateLimits(global_per_second=3), clock)

    # When four sends are asked for at once, then again just before and at the window's end
    first_three = [limiter.reserve(f"m{i}@a.example") for i in range(3)]
    fourth = limiter.reserve("x@b.example")
    clock.now += 0.999
    still_waiting = limiter.reserve("x@b.example")
    clock.now += 0.001
    after_window = limiter.reserve("x@b.example")

    # Then three pass, the fourth is told how long to wait, and passes once the window slid
    assert first_three == [0.0, 0.0, 0.0]
    assert fourth == pytest.approx(1.0)
    assert still_waiting == pytest.approx(0.001)
    assert after_window == 0.0


def test_the_window_slides_rather_than_resetting_at_boundaries() -> None:
    # Given a limit of 2 per second, with one send at t=0.0 and one at t=0.9
    clock = FakeClock(0.0)
    limiter = RateLimiter(RateLimits(global_per_second=2), clock)
    assert limiter.reserve("a@x.example") == 0.0
    clock.now = 0.9
    assert limiter.reserve("a@x.example") == 0.0

    # When sends are asked for at t=1.0 and t=1.5
    clock.now = 1.0
    at_one = limiter.reserve("a@x.example")
    clock.now = 1.5
    at_one_and_a_half = limiter.reserve("a@x.example")

    # Then the first passes (t=0.0 left the window) and the second waits for t=0.9 to leave
    assert at_one == 0.0
    assert at_one_and_a_half == pytest.approx(0.4)


def test_the_per_domain_limit_counts_each_domain_separately() -> None:
    # Given 2 per minute per domain
    clock = FakeClock()
    limiter = RateLimiter(RateLimits(per_domain_per_minute=2), clock)

    # When three go to one domain (differently cased) and one to another
    same = [limiter.reserve("a@Big.example"), limiter.reserve("b@big.example"), limiter.reserve("c@BIG.EXAMPLE")]
    other = limiter.reserve("a@small.example")
    clock.now += 60
    later = limiter.reserve("c@big.example")

    # Then the third to the first domain waits a minute, the other domain is unaffected
    assert same[:2] == [0.0, 0.0] and same[2] == pytest.approx(60.0)
    assert other == 0.0
    assert later == 0.0


def test_a_refused_reservation_uses_up_nothing() -> None:
    # Given a global limit of 1 per second and a domain limit of 1 per minute
    clock = FakeClock()
    limiter = RateLimiter(RateLimits(global_per_second=1, per_domain_per_minute=1), clock)
    assert limiter.reserve("a@one.example") == 0.0

    # When another domain is refused by the global limit, then asks again a second later
    refused = limiter.reserve("a@two.example")
    clock.now += 1
    retried = limiter.reserve("a@two.example")

    # Then the retry passes: the refused attempt was not counted against its domain
    assert refused > 0
    assert retried == 0.0


def test_concurrent_reservations_never_exceed_the_limit() -> None:
    # Given a limit of 50 per second and a clock that stands still
    limiter = RateLimiter(RateLimits(global_per_second=50), FakeClock())

    # When eight threads ask 400 times in all
    with ThreadPoolExecutor(max_workers=8) as workers:
        waits = list(workers.map(lambda i: limiter.reserve(f"m{i}@x.example"), range(400)))

    # Then exactly 50 were granted
    assert waits.count(0.0) == 50


@pytest.mark.parametrize("bad", [0, -1, 2.5, "10"])
def test_limits_must_be_positive_whole_numbers(bad: object) -> None:
    # Given / When a limit that makes no sense / Then it is refused with the field's name
    with pytest.raises(ValueError, match="global_per_second"):
        RateLimits(global_per_second=bad)  # type: ignore[arg-type]


def test_the_transport_waits_out_a_short_limit_and_defers_a_long_one(
    smtp_sink: SmtpSink, make_transport: MakeTransport
) -> None:
    # Given a transport limited to 2 per second overall and 3 per minute per domain,
    # waiting at most 1 s for a slot, on a fake clock
    clock = FakeClock()
    transport = make_transport(
        smtp_sink,
        rate_limit=RateLimits(global_per_second=2, per_domain_per_minute=3),
        clock=clock,
        sleep=clock.sleep,
    )

    # When four messages go to one domain
    results = [transport.send("a@pep.test", f"m{i}@example.org", finished_message()) for i in range(4)]

    # Then the third waited for the global window, and the fourth was deferred for the
    # domain's minute, with the wait it needs and without touching the server
    assert [r.accepted for r in results] == [True, True, True, False]
    assert clock.slept == [pytest.approx(1.0)]
    deferred = results[3]
    assert deferred.temporary and deferred.code is None
    assert deferred.retry_after == pytest.approx(59.0)
    assert "rate limit" in deferred.detail
    assert len(smtp_sink.wait_for_messages(3)) == 3
