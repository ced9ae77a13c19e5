"""Results computed from immutable data, kept per process.

A decoded questionnaire version and a decoded publication never change and live as long as
the process (`questionnaires`, `publications`), so what is computed from one of them and from
values given in full (the answers themselves, not their assessment's id) can be reused by the
next request without any question of staleness. The entry holds its object and is used only
for that very object, so an id that Python reuses for a new object never hits an old entry.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class Memo(Generic[T]):
    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: dict[Hashable, tuple[object, T]] = {}
        self._lock = threading.Lock()

    def get(self, source: object, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`'s result for `key`, computed from the immutable `source`."""
        full = (id(source), key)
        found = self._entries.get(full)
        if found is not None and found[0] is source:
            return found[1]
        result = compute()
        with self._lock:
            if len(self._entries) >= self.size:
                self._entries.clear()  # rare: a few questionnaires and publications per year
            self._entries[full] = (source, result)
        return result
