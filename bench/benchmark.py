"""Benchmark: publishing and reading the national benchmark at 1x, 2x and 4x the country.

1x is 342 gemeenten x 5 years of submitted assessments (stored scores and answers). Larger
sizes add synthetic gemeenten with new codes. Prints the time to make a publication (scoring
every contributor, the statistics and the joint disclosure control), to read one year's
publication and the five-year trend, and the ratio of each to 1x. Also part of
`python -m bench`.

    uv run python bench/benchmark.py          # SQLite
    ASSESS_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \
        uv run python bench/benchmark.py      # PostgreSQL
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from sqlalchemy import text

from assess.access import system
from assess.db.migrate import upgrade
from assess.db.session import make_engine, session_factory, transaction
from assess.framework.loader import parse_questionnaire
from assess.municipalities import REGISTER_2025, RegisterRow, parse_register
from assess.services import benchmark, demo, publications, questionnaires, register

YEARS = range(2022, 2027)
SYSTEM = system("bench")  # builds the data and reads the national picture


def scaled_register(factor: int) -> list[RegisterRow]:
    rows = parse_register(REGISTER_2025.read_text(encoding="utf-8"))
    extra = [
        RegisterRow(
            f"GM{9000 - copy * 342 + i:04d}"[:6],
            f"{r.naam} {copy}",
            r.provincie,
            r.inwoners,
            r.inwonersjaar,
            r.veiligheidsregio,
            r.riec,
        )
        for copy in range(1, factor)
        for i, r in enumerate(rows)
    ]
    return rows + extra


def build(url: str, factor: int, schema: str | None, years: range = YEARS) -> object:
    options = {"connect_args": {"options": f"-csearch_path={schema}"}} if schema else {}
    engine = make_engine(url, **options)
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        register.load(session, SYSTEM, scaled_register(factor), date(2025, 1, 1))
        for path in demo.questionnaire_files():
            questionnaires.store(session, SYSTEM, parse_questionnaire(path.read_text()))
        demo.generate(session, SYSTEM, years, seed=factor, participation=1.0)
    return engine


def timed(function, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def publish_time(factory, year: int) -> float:
    """Best of three publications of the year, each rolled back."""

    def once() -> None:
        with factory() as session:
            publications.publish(session, SYSTEM, year, 5)
            session.rollback()

    return timed(once)


def measure(
    url: str | None, factors: tuple[int, ...] = (1, 2, 4), years: range = YEARS
) -> list[tuple[int, int, tuple[float, float, float]]]:
    """Per size: (factor, contributors in the last year, (publish, read year, trend)) in
    seconds; on SQLite in a temporary file without `url`."""
    results = []
    for factor in factors:
        schema = f"bench_{uuid.uuid4().hex[:8]}" if url else None
        with tempfile.TemporaryDirectory() as tmp:
            target = url or f"sqlite:///{Path(tmp) / 'bench.db'}"
            if schema:
                admin = make_engine(target)
                with admin.begin() as conn:
                    conn.execute(text(f"CREATE SCHEMA {schema}"))
            engine = build(target, factor, schema, years)
            factory = session_factory(engine)
            first = publish_time(factory, years[-1])
            with transaction(factory) as session:
                for year in years:
                    publications.publish(session, SYSTEM, year, 5)
            with factory() as session:
                n = benchmark.year_benchmark(session, SYSTEM, years[-1]).total.n
                one = timed(lambda s=session: benchmark.year_benchmark(s, SYSTEM, years[-1]))
                trend = timed(lambda s=session: benchmark.trend(s, SYSTEM, list(years)))
            engine.dispose()
            if schema:
                with admin.begin() as conn:
                    conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
                admin.dispose()
        results.append((factor, n, (first, one, trend)))
    return results


def main() -> None:
    url = os.environ.get("ASSESS_BENCH_DATABASE_URL")
    results = measure(url)
    base = results[0][2]
    backend = "postgresql" if url else "sqlite"
    print(f"national benchmark on {backend} ({len(YEARS)} years), seconds and ratio to 1x")
    names = ("publish", "read year", f"{len(YEARS)}-yr trend")
    print(f"{'size':>5} {'per year':>9} " + " ".join(f"{n:>12} {'ratio':>6}" for n in names))
    for factor, n, times in results:
        cells = " ".join(f"{t:>12.3f} {t / b:>6.2f}" for t, b in zip(times, base, strict=True))
        print(f"{factor:>4}x {n:>9} {cells}")


if __name__ == "__main__":
    main()
