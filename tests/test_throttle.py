"""The sign-in lock (pure): when it starts, how it doubles, where it stops."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from assess.framework.throttle import OVERALL, PER_ACCOUNT, PER_ADDRESS, wait

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def failures(n: int, seconds_apart: int = 1) -> list[datetime]:
    return [NOW - timedelta(seconds=i * seconds_apart) for i in range(n)]


def test_no_lock_below_the_limit():
    assert wait(failures(4), NOW, PER_ACCOUNT) == timedelta(0)


def test_the_lock_doubles_with_each_failure_beyond_the_limit():
    locks = [wait(failures(n), NOW, PER_ACCOUNT) for n in (5, 6, 7, 8)]
    assert locks == [timedelta(minutes=m) for m in (1, 2, 4, 8)]


def test_the_lock_counts_from_the_last_failure_and_stops_at_an_hour():
    later = NOW + timedelta(seconds=30)
    assert wait(failures(5), later, PER_ACCOUNT) == timedelta(seconds=30)
    assert wait(failures(40), NOW, PER_ACCOUNT) == timedelta(hours=1)


def test_old_failures_no_longer_count():
    old = [NOW - timedelta(hours=2)] * 10
    assert wait(old, NOW, PER_ACCOUNT) == timedelta(0)


def test_an_address_and_the_whole_service_get_more_room():
    assert wait(failures(29), NOW, PER_ADDRESS) == timedelta(0)
    assert wait(failures(30), NOW, PER_ADDRESS) == timedelta(minutes=1)
    assert wait(failures(299, 0), NOW, OVERALL) == timedelta(0)
    assert wait(failures(400, 0), NOW, OVERALL) == timedelta(minutes=15)
