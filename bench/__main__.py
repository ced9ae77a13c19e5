"""The benchmark suite: one table of figures, each beside a ceiling measured in the same run.

    uv run python -m bench                      # full size, a few minutes
    uv run python -m bench --smoke              # tiny size: does everything run?
    uv run python -m bench --postgresql postgresql://postgres@127.0.0.1:5432/test

Prints the table (figure, project, ceiling, ratio, target) and writes it as JSON under
bench/results/. HTTP figures come from wrk (Debian package `wrk`) against real servers on
loopback: the project (`uvicorn assess.app:create_app_from_env`, as `assess serve` runs it)
and bench/bare.py, a bare Litestar app with the same schemas. Without --postgresql the
suite uses ASSESS_BENCH_DATABASE_URL when set, otherwise SQLite only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
import urllib.request
import uuid
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, text

from assess.access import system
from assess.db.migrate import upgrade
from assess.db.models import Assessment
from assess.db.session import make_engine, session_factory, transaction
from assess.framework.gaps import analyse
from assess.framework.scoring import score
from assess.framework.vocabulary import Status
from assess.services import answering, assessments, demo, tokens
from bench import benchmark as national
from bench import load
from bench import report as reports_bench

SYSTEM = system("bench")
RESULTS = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class Row:
    figure: str
    unit: str
    project: float
    ceiling: float | None  # measured in the same run; None where there is none
    ratio: float | None
    target: str  # such as ">= 0.15" (of the ratio) or "< 2" (of the figure itself)
    met: bool | None
    note: str = ""


def row(
    figure: str,
    unit: str,
    project: float,
    ceiling: float | None,
    target: str,
    *,
    of_ratio: bool = True,
    ratio: float | None = None,
    note: str = "",
) -> Row:
    if ratio is None and ceiling:
        ratio = project / ceiling
    checked = ratio if of_ratio else project
    return Row(figure, unit, project, ceiling, ratio, target, _meets(checked, target), note)


def _meets(value: float | None, target: str) -> bool | None:
    if value is None or not target:
        return None
    operator, limit = target.split()
    bound = float(limit)
    return {">=": value >= bound, "<=": value <= bound, "<": value < bound}[operator]


@dataclass(frozen=True)
class Size:
    load_seconds: float
    factors: tuple[int, ...]
    years: range
    repeat: int
    batch: int | None  # reports in the batch; None: every submitted one of the year


FULL = Size(5, (1, 2, 4), range(2022, 2027), 3, 20)
SMOKE = Size(1, (1,), range(2025, 2027), 1, 2)


# --- the database the HTTP figures run on ------------------------------------------------


@dataclass(frozen=True)
class Fixture:
    url: str
    token: str
    concept: uuid.UUID  # an assessment being filled in
    submitted: uuid.UUID  # one with results and a report


def prepare(url: str) -> Fixture:
    engine = make_engine(url)
    upgrade(engine)
    year = datetime.now(UTC).year
    with transaction(session_factory(engine)) as session:
        demo.prepare(session, SYSTEM, year, 5)
        officer = next(u for u in demo.DEMO_USERS if u.municipality)
        token = tokens.create(session, SYSTEM, "bench", owner_email=officer.email)
        code = officer.municipality
        taken = set(session.scalars(select(Assessment.year).filter_by(municipality_code=code)))
        free_year = next(y for y in range(year, year + 50) if y not in taken)
        concept = answering.start(session, SYSTEM, code, free_year).id
        submitted = session.scalar(
            select(Assessment.id)
            .filter_by(municipality_code=code, status=Status.SUBMITTED)
            .order_by(Assessment.year.desc())
        )
    engine.dispose()
    assert code and submitted is not None
    return Fixture(url, token, uuid.UUID(str(concept)), submitted)


def fresh_postgresql_schema(url: str) -> tuple[str, str]:
    """A new schema for this run, and the URL that puts it first on the search path."""
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    separator = "&" if "?" in url else "?"
    return schema, f"{url}{separator}options=-csearch_path%3D{schema}"


def drop_postgresql_schema(url: str, schema: str) -> None:
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


# --- HTTP -------------------------------------------------------------------------------

QUESTIONS = ["A1", "A3", "A4", "B1", "B5", "C1", "C2", "D1", "D2", "E1", "E2", "F2"]
BODY = '{"antwoord":"1","toelichting":"bench"}'


def project_server(
    fixture: Fixture, workers: int, data_dir: str
) -> AbstractContextManager[load.Server]:
    env = {
        "ASSESS_DATABASE_URL": fixture.url,
        "ASSESS_SECRET_KEY": "bench-" + uuid.uuid4().hex * 2,
        "ASSESS_DATA_DIR": data_dir,
    }
    args = ["assess.app:create_app_from_env", "--factory", "--workers", str(workers)]
    return load.serve(args, env, "/health")


def http_rows(label: str, fixture: Fixture, workers: int, size: Size, data_dir: str) -> list[Row]:
    puts = [f"/api/v1/zelfevaluaties/{fixture.concept}/antwoorden/{q}" for q in QUESTIONS]
    item = f"/api/v1/zelfevaluaties/{fixture.submitted}"
    seconds = size.load_seconds
    with (
        project_server(fixture, workers, data_dir) as ours,
        load.serve(["bench.bare:app"], {}, f"{item}/analyse") as bare,
    ):

        def put(server: load.Server, connections: int) -> load.Load:
            return load.run_wrk(
                server.url,
                puts,
                method="PUT",
                token=fixture.token,
                body=BODY,
                connections=connections,
                seconds=seconds,
            )

        def read(server: load.Server, path: str) -> load.Load:
            return load.run_wrk(
                server.url, [path], token=fixture.token, connections=8, seconds=seconds
            )

        # warm: first requests compile statements and decode the questionnaire and the
        # publication, once per process
        put(ours, 8)
        read(ours, f"{item}/analyse")
        read(ours, f"{item}/vergelijking?groep=alle")
        bare32, ours32 = put(bare, 32), put(ours, 32)
        bare8, ours8 = put(bare, 8), put(ours, 8)
        bare_read = read(bare, f"{item}/analyse")
        analysis = read(ours, f"{item}/analyse")
        comparison = read(ours, f"{item}/vergelijking?groep=alle")
        rss = ours.rss_mb()
        cached = cached_report(ours.url, fixture, repeat=max(5, size.repeat * 4))
    where = f"{label}, {workers} worker{'s' if workers > 1 else ''}"
    refused = ours32.refused + ours8.refused
    rows = [
        row(
            f"answer PUT, 32 connections ({where})",
            "saves/s",
            ours32.requests_per_second,
            bare32.requests_per_second,
            ">= 0.15",
            note=f"{ours32.requests + ours8.requests} saves, {refused} refused",
        ),
        row(f"answer PUT p99, 8 connections ({where})", "ms", ours8.p99_ms, bare8.p99_ms, "<= 10"),
        row(
            f"GET analyse p99, 8 connections ({where})",
            "ms",
            analysis.p99_ms,
            bare_read.p99_ms,
            "<= 10",
            note=f"{analysis.refused} refused",
        ),
        row(
            f"GET vergelijking p99, 8 connections ({where})",
            "ms",
            comparison.p99_ms,
            bare_read.p99_ms,
            "<= 10",
            note=f"{comparison.refused} refused",
        ),
        row(
            f"server memory after the load ({where})",
            "MB",
            rss,
            None,
            "< 250",
            of_ratio=False,
            note="largest process",
        ),
    ]
    if cached is not None:
        median, not_modified = cached
        rows.append(
            row(
                f"cached PDF download ({where})",
                "ms",
                median,
                None,
                "< 20",
                of_ratio=False,
                note=f"repeat with ETag: {not_modified}",
            )
        )
    if refused:
        rows[0] = Row(**{**asdict(rows[0]), "met": False})
    return rows


def cached_report(url: str, fixture: Fixture, repeat: int) -> tuple[float, int] | None:
    """Median time of a cached download of the report, and the status of a repeat that
    sends the ETag it got (304 expected)."""
    address = f"{url}/api/v1/zelfevaluaties/{fixture.submitted}/rapport"
    headers = {"Authorization": f"Bearer {fixture.token}"}

    def fetch(extra: dict[str, str] | None = None) -> tuple[int, str]:
        request = urllib.request.Request(address, headers={**headers, **(extra or {})})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                response.read()
                return response.status, response.headers.get("ETag", "")
        except urllib.error.HTTPError as error:
            return error.code, ""

    status, tag = fetch()  # renders once and fills the cache
    if status != 200:
        return None
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fetch()
        times.append((time.perf_counter() - started) * 1000)
    repeat_status = fetch({"If-None-Match": tag})[0] if tag else 200
    return statistics.median(times), repeat_status


# --- pure and batch figures ------------------------------------------------------------


def gap_analysis_row(fixture: Fixture, repeat: int) -> Row:
    engine = make_engine(fixture.url)
    with session_factory(engine)() as session:
        item = assessments.get(session, SYSTEM, fixture.submitted)
    engine.dispose()
    questionnaire, answers = item.questionnaire, item.answer_values()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        analyse(questionnaire, score(questionnaire, answers))
        runs.append((time.perf_counter() - started) * 1000)
    return row(
        "gap analysis of one assessment (score + analyse, pure)",
        "ms",
        statistics.median(runs),
        None,
        "< 2",
        of_ratio=False,
        note=f"{len(questionnaire.questions())} questions",
    )


def national_rows(url: str | None, size: Size) -> list[Row]:
    results = national.measure(url, size.factors, size.years)
    base_publish, base_read = results[0][2][0], results[0][2][1]
    rows = []
    for factor, n, (publish, read_year, _trend) in results:
        rows.append(
            row(
                f"national benchmark publish at {factor}x ({n} per year)",
                "s",
                publish,
                base_publish,
                f"<= {factor * 1.2:g}",
                note="ceiling: the same at 1x; target: linear growth",
            )
        )
        rows.append(
            row(
                f"national benchmark read at {factor}x",
                "s",
                read_year,
                base_read,
                f"<= {factor * 1.2:g}",
            )
        )
    return rows


def report_rows(url: str, size: Size) -> list[Row]:
    f = reports_bench.measure(url, demo.DEMO_MUNICIPALITY, None, size.repeat, size.batch)
    speedup = f.one_by_one / f.parallel
    return [
        row(
            "one PDF report against bare WeasyPrint on the same HTML",
            "s",
            f.ours,
            f.reused,
            "<= 1.15",
            note=f"{f.pages} pages; bare with CSS parsed per call: {f.naive:.2f} s",
        ),
        row(
            f"report --all speed-up, {f.reports} reports on {f.workers} processes",
            "x",
            speedup,
            None,
            ">= 1.6",
            of_ratio=False,
            note=f"one by one {f.one_by_one:.1f} s, pool {f.parallel:.1f} s"
            + ("" if f.reports >= 20 else "; target applies from 20 reports"),
        ),
    ]


# --- the table -------------------------------------------------------------------------


def print_table(rows: list[Row]) -> None:
    print(f"{'figure':<66} {'project':>10} {'ceiling':>10} {'ratio':>7}  {'target':<8} ok")
    for r in rows:
        ceiling = f"{r.ceiling:>10.2f}" if r.ceiling is not None else f"{'-':>10}"
        ratio = f"{r.ratio:>7.3f}" if r.ratio is not None else f"{'-':>7}"
        met = {True: "yes", False: "NO", None: "-"}[r.met]
        print(
            f"{r.figure + ' (' + r.unit + ')':<66} {r.project:>10.2f} {ceiling} {ratio}  "
            f"{r.target:<8} {met}  {r.note}"
        )


def machine() -> dict[str, object]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny size: one second per load")
    parser.add_argument("--postgresql", default=os.environ.get("ASSESS_BENCH_DATABASE_URL"))
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    size = SMOKE if args.smoke else FULL
    load.require_wrk()
    started = time.perf_counter()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        sqlite = prepare(f"sqlite:///{Path(scratch) / 'assess.db'}")
        rows += http_rows("SQLite", sqlite, 1, size, scratch)
        if args.postgresql:
            schema, pg_url = fresh_postgresql_schema(args.postgresql)
            try:
                postgresql = prepare(pg_url)
                for workers in (1, 2):
                    rows += http_rows("PostgreSQL", postgresql, workers, size, scratch)
            finally:
                drop_postgresql_schema(args.postgresql, schema)
        rows.append(gap_analysis_row(sqlite, 200 if not args.smoke else 20))
        rows += report_rows(sqlite.url, size)
    rows += national_rows(None, size)
    print_table(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = args.out / f"{stamp}{'-smoke' if args.smoke else ''}.json"
    document = {
        "made": stamp,
        "seconds": round(time.perf_counter() - started, 1),
        "size": "smoke" if args.smoke else "full",
        "machine": machine(),
        "rows": [asdict(r) for r in rows],
    }
    target.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    print(f"written to {target}")


if __name__ == "__main__":
    main()
