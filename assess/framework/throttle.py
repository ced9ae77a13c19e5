"""How long a sign-in must wait after failures (pure): a lock that doubles with every failure
beyond the limit, per account, per client address and over the whole service."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Final

import msgspec


class Limit(msgspec.Struct, frozen=True):
    failures: int  # this many failures within `window` start a lock
    window: timedelta
    first_lock: timedelta  # the first lock; each further failure doubles it
    longest_lock: timedelta


# One person mistyping: five tries, then 1, 2, 4 ... minutes, at most an hour.
PER_ACCOUNT: Final = Limit(5, timedelta(hours=1), timedelta(minutes=1), timedelta(hours=1))
# One address: a whole town hall may sit behind it, so more room, the same doubling.
PER_ADDRESS: Final = Limit(30, timedelta(hours=1), timedelta(minutes=1), timedelta(hours=1))
# Everyone together: spraying one password over many accounts from many addresses.
OVERALL: Final = Limit(300, timedelta(minutes=5), timedelta(minutes=1), timedelta(minutes=15))
KEPT: Final = timedelta(days=1)  # failure records older than this are deleted


def wait(failures: Sequence[datetime], now: datetime, limit: Limit) -> timedelta:
    """How long until the next try is allowed (zero: now)."""
    recent = [at for at in failures if now - at < limit.window]
    if len(recent) < limit.failures:
        return timedelta(0)
    doublings = min(len(recent) - limit.failures, 20)
    lock: timedelta = min(limit.first_lock * 2**doublings, limit.longest_lock)
    since_last = max(now - max(recent), timedelta(0))  # a failure stamped a moment after `now`
    return max(lock - since_last, timedelta(0))
