"""Render many reports in parallel: one worker process per core, each with its own engine.

Used by `assess report --all`. Each worker opens its own database engine, parses the report
stylesheet once and renders the assessments it is given; a failure is returned as a result,
so one bad report never stops the others. Ctrl-C and SIGTERM stop the whole batch.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from assess import report
from assess.access import Principal, system
from assess.db.models import Assessment, Municipality
from assess.db.session import make_engine, session_factory, transaction
from assess.framework.vocabulary import Status
from assess.i18n import _
from assess.services import reports
from assess.services.guards import require_administrator


@dataclass(frozen=True)
class Task:
    assessment_id: str
    municipality_code: str
    name: str


@dataclass(frozen=True)
class Outcome:
    task: Task
    path: str | None = None  # the written file; None when it failed
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


def submitted_tasks(session: Session, who: Principal, year: int) -> list[Task]:
    """Every submitted assessment of the year, by gemeente name (for the command line)."""
    require_administrator(who, _("Alleen een beheerder maakt alle rapporten van een jaar."))
    rows = session.execute(
        select(Assessment.id, Assessment.municipality_code, Municipality.name)
        .join(Municipality, Municipality.code == Assessment.municipality_code)
        .where(Assessment.year == year, Assessment.status == Status.SUBMITTED)
        .order_by(Municipality.name)
    )
    return [Task(str(id_), code, name) for id_, code, name in rows]


def write_report(
    session: Session,
    who: Principal,
    assessment_id: uuid.UUID | str,
    min_group_size: int,
    target: Path,
    language: str = "nl",
) -> Path:
    """Render one report (always fresh, no cache) and write it; `target` may be a directory."""
    result = reports.report_file(
        session, who, assessment_id, min_group_size, language, use_cache=False
    )
    path = target / result.filename if target.is_dir() else target
    path.write_bytes(result.pdf)
    return path


# --- worker side -----------------------------------------------------------------------

_worker: dict[str, object] = {}


def _start_worker(database_url: str, min_group_size: int) -> None:
    # Ctrl-C reaches the whole process group; the parent decides and stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker["engine"] = make_engine(database_url)
    _worker["min_group_size"] = min_group_size
    report.warm_up()


def _render(task: Task, directory: str) -> Outcome:
    started = time.perf_counter()
    try:
        engine = _worker["engine"]
        assert isinstance(engine, Engine)
        minimum = _worker["min_group_size"]
        assert isinstance(minimum, int)
        with transaction(session_factory(engine)) as session:
            path = write_report(session, system(), task.assessment_id, minimum, Path(directory))
    except Exception as exc:  # reported per task; the other reports go on
        return Outcome(task, error=f"{type(exc).__name__}: {exc}")
    return Outcome(task, path=str(path), seconds=time.perf_counter() - started)


# --- parent side -----------------------------------------------------------------------


def _context() -> multiprocessing.context.BaseContext:
    """forkserver where it exists: workers start from a clean process that has the code
    imported, instead of copying the parent (with its database connections)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["assess.services.report_batch", "weasyprint"])
        return context
    return multiprocessing.get_context("spawn")


@dataclass(frozen=True)
class Batch:
    outcomes: list[Outcome]  # in the order they finished
    not_made: list[Task]  # when the batch was stopped: what was not rendered

    @property
    def stopped(self) -> bool:
        return bool(self.not_made)


class Stopped(Exception):
    """SIGTERM during a batch: stop as Ctrl-C does."""


def render_all(
    tasks: Sequence[Task],
    directory: Path,
    database_url: str,
    min_group_size: int,
    workers: int | None = None,
    on_done: Callable[[Outcome], None] = lambda outcome: None,
) -> Batch:
    """Render every task over a process pool; `on_done` is called as each one finishes.

    Ctrl-C or SIGTERM stops the batch within seconds: queued reports are cancelled, the
    workers are ended (a report being rendered is not written), finished PDFs stay."""
    directory.mkdir(parents=True, exist_ok=True)
    workers = max(1, min(workers or os.cpu_count() or 1, len(tasks) or 1))
    outcomes: list[Outcome] = []
    pool: ProcessPoolExecutor | None = None
    try:
        with sigterm_stops():
            pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=_context(),
                initializer=_start_worker,
                initargs=(database_url, min_group_size),
            )
            futures = {pool.submit(_render, task, str(directory)): task for task in tasks}
            for future in as_completed(futures):
                outcome = _outcome(future, futures[future])
                outcomes.append(outcome)
                on_done(outcome)
    except (KeyboardInterrupt, Stopped):
        if pool is not None:
            _stop(pool)
        made = {o.task for o in outcomes}
        return Batch(outcomes, [t for t in tasks if t not in made])
    pool.shutdown()
    return Batch(outcomes, [])


def _outcome(future: Future[Outcome], task: Task) -> Outcome:
    try:
        return future.result()
    except BrokenProcessPool as exc:  # a worker died (e.g. out of memory)
        return Outcome(task, error=f"werkproces gestopt: {exc}")


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel what is queued and end the workers now; the standard pool would let every
    running report finish (Python 3.14 adds terminate_workers for this)."""
    processes = list(getattr(pool, "_processes", {}).values())
    for process in processes:  # first: a worker still starting needs the pool's queues
        process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


@contextmanager
def sigterm_stops() -> Iterator[None]:
    """While a batch runs in the main thread, SIGTERM raises Stopped there (nested: the
    command line holds it from before it announces the batch)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(_signal: int, _frame: object) -> None:
        raise Stopped

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
