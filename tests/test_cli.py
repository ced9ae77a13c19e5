"""Every CLI command through the real `assess` entry point, on a fresh SQLite data dir."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from assess.cli import main
from assess.db.session import make_engine, session_factory, transaction
from assess.municipalities import REGISTER_2025
from assess.services import demo

from conftest import DATA, QUESTIONNAIRE_FILE, SYSTEM

ASSESS = Path(sys.executable).with_name("assess")


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def run(home: Path, *args: str, stdin: str = "", **env: str) -> Result:
    """Run `assess.cli:main` (what the console script calls) in this process."""
    saved = {k: os.environ.get(k) for k in ("ASSESS_DATA_DIR", "ASSESS_DATABASE_URL", *env)}
    os.environ["ASSESS_DATA_DIR"] = str(home / "data")
    os.environ.pop("ASSESS_DATABASE_URL", None)
    os.environ.update(env)
    out, err, code = io.StringIO(), io.StringIO(), 0
    try:
        with redirect_stdout(out), redirect_stderr(err), _stdin(stdin):
            main(list(args))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return Result(code, out.getvalue(), err.getvalue())


@contextmanager
def _stdin(text: str):
    saved, sys.stdin = sys.stdin, io.StringIO(text)
    try:
        yield
    finally:
        sys.stdin = saved


def test_installed_script_runs_the_same_entry_point(tmp_path):
    result = subprocess.run(
        [str(ASSESS), "questionnaire", "check", str(tmp_path / "x.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == f"{tmp_path / 'x.yaml'}: bestand bestaat niet"


@pytest.fixture(scope="module")
def ready(tmp_path_factory) -> Path:
    """A data dir with a migrated database, the register and the questionnaire."""
    home = tmp_path_factory.mktemp("cli")
    for args in (
        ("db", "upgrade"),
        ("municipalities", "load", str(REGISTER_2025)),
        ("questionnaire", "load", str(QUESTIONNAIRE_FILE)),
    ):
        result = run(home, *args)
        assert result.returncode == 0, result.stderr
    return home


def query(home: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(home / "data" / "assess.db") as db:
        return db.execute(sql).fetchall()


def test_help_lists_the_commands(tmp_path):
    result = run(tmp_path, "--help")
    assert result.returncode == 0
    for command in (
        "demo",
        "serve",
        "db",
        "backup",
        "questionnaire",
        "municipalities",
        "user",
        "token",
    ):
        assert command in result.stdout


def test_commands_need_a_migrated_database(tmp_path):
    result = run(tmp_path, "questionnaire", "load", str(QUESTIONNAIRE_FILE))
    assert result.returncode == 1
    assert "assess db upgrade" in result.stderr


def test_loaded_register_and_questionnaire(ready):
    assert query(ready, "select count(*) from municipalities") == [(342,)]
    assert query(ready, "select questionnaire_id, version from questionnaire_versions") == [
        ("zelfscan-mensenhandel", "2026.3")
    ]
    again = run(ready, "questionnaire", "load", str(QUESTIONNAIRE_FILE))
    assert again.returncode == 0 and "al geladen, ongewijzigd" in again.stdout


def test_questionnaire_check_ok(tmp_path):
    result = run(tmp_path, "questionnaire", "check", str(QUESTIONNAIRE_FILE))
    assert result.returncode == 0
    assert result.stdout.startswith("zelfscan-mensenhandel 2026.3: in orde")


def test_questionnaire_check_reports_every_problem_with_file_and_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (DATA / "mini.yaml")
        .read_text()
        .replace("doel: 3", "doel: 5")
        .replace("bronnen: [ibp]", "bronnen: [ibx]")
    )
    result = run(tmp_path, "questionnaire", "check", str(bad), str(tmp_path / "missing.yaml"))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert any(
        line.startswith(f"{bad}:") and "doel 5 ligt niet tussen 0 en 3" in line for line in lines
    )
    assert any("onbekende bron 'ibx'" in line for line in lines)
    assert any("missing.yaml: bestand bestaat niet" in line for line in lines)
    assert "Traceback" not in result.stderr


def test_municipalities_load_reports_bad_lines_and_writes_nothing(ready, tmp_path):
    bad = tmp_path / "register.csv"
    text = REGISTER_2025.read_text().replace("GM0034,Almere", "GM34,Almere")
    bad.write_text(text)
    result = run(ready, "municipalities", "load", str(bad))
    assert result.returncode == 1
    assert f"{bad}:3: gemeentecode moet GM gevolgd door vier cijfers zijn" in result.stderr
    assert query(ready, "select count(*) from municipalities") == [(342,)]


def test_user_add_generates_a_password_and_token_create_prints_only_the_token(ready):
    added = run(
        ready, "user", "add", "p@gemeente.nl", "--role", "medewerker", "--gemeente", "GM0193"
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("Wachtwoord")
    created = run(ready, "token", "create", "p@gemeente.nl", "--naam", "test")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert token.startswith("zsm_") and "\n" not in token
    hashes = [h for (h,) in query(ready, "select token_hash from api_tokens")]
    assert token not in hashes and len(hashes) >= 1


def test_user_add_with_password_stdin_and_bad_input(ready):
    add_analyst = ("user", "add", "a@vng.nl", "--role", "analist", "--password-stdin")
    ok = run(ready, *add_analyst, stdin="een-lang-wachtwoord\n")
    assert ok.returncode == 0 and ok.stdout == ""
    duplicate = run(ready, *add_analyst, stdin="een-lang-wachtwoord\n")
    assert duplicate.returncode == 1 and "al een gebruiker" in duplicate.stderr
    no_gemeente = run(ready, "user", "add", "b@x.nl", "--role", "medewerker")
    assert no_gemeente.returncode == 1 and "gemeente" in no_gemeente.stderr
    unknown = run(ready, "user", "add", "c@x.nl", "--role", "koning")
    assert unknown.returncode == 1 and "koning" in unknown.stderr
    assert run(ready, "token", "create", "niemand@x.nl").returncode == 1


BOSS = "where email = 'b@vng.nl'"


def test_user_reset_2fa_clears_the_app_and_the_recovery_codes(ready):
    add = ("user", "add", "b@vng.nl", "--role", "beheerder", "--password-stdin")
    assert run(ready, *add, stdin="een-lang-wachtwoord\n").returncode == 0
    with sqlite3.connect(ready / "data" / "assess.db") as db:
        db.execute(f"update users set totp_secret = 'GEHEIM', totp_last_step = 7 {BOSS}")
        db.execute(
            f"insert into recovery_codes (user_id, code_hash) select id, 'x' from users {BOSS}"
        )
    reset = run(ready, "user", "reset-2fa", "B@vng.nl")
    assert reset.returncode == 0 and "teruggezet" in reset.stderr
    assert query(ready, f"select totp_secret, totp_last_step from users {BOSS}") == [(None, 0)]
    assert query(ready, "select count(*) from recovery_codes") == [(0,)]
    actions = [a for (a,) in query(ready, "select action from audit_events")]
    assert "user.totp_reset" in actions
    unknown = run(ready, "user", "reset-2fa", "niemand@x.nl")
    assert unknown.returncode == 1 and "niemand@x.nl" in unknown.stderr


def test_backup_makes_a_usable_copy(ready, tmp_path):
    target = tmp_path / "kopie.db"
    result = run(ready, "backup", str(target))
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(target) as copy:
        assert copy.execute("select count(*) from municipalities").fetchone() == (342,)


def test_serve_refuses_without_secret_key(ready):
    result = run(ready, "serve", ASSESS_SECRET_KEY="")
    assert result.returncode == 1 and "ASSESS_SECRET_KEY" in result.stderr


def test_short_secret_and_bad_proxies_are_refused_at_start(ready):
    short = run(ready, "serve", ASSESS_SECRET_KEY="a")
    assert short.returncode == 1 and "ASSESS_SECRET_KEY" in short.stderr
    assert "minstens 32 bytes" in short.stderr
    proxies = run(ready, "serve", ASSESS_SECRET_KEY="s" * 32, ASSESS_TRUSTED_PROXIES="10.0.0.5, *")
    assert proxies.returncode == 1 and "'*' in ASSESS_TRUSTED_PROXIES" in proxies.stderr


def test_bad_setting_is_reported(tmp_path):
    result = run(tmp_path, "db", "upgrade", ASSESS_MIN_GROUP_SIZE="vijf")
    assert result.returncode == 1 and "ongeldige instelling" in result.stderr


def test_tokens_are_listed_and_revoked(ready):
    run(ready, "user", "add", "t@gemeente.nl", "--role", "medewerker", "--gemeente", "GM0193")
    assert run(ready, "token", "create", "t@gemeente.nl", "--naam", "koppeling").returncode == 0
    listed = run(ready, "token", "list", "t@gemeente.nl")
    token_id, state, *_, name = listed.stdout.strip().split("\t")
    assert (state, name) == ("actief", "koppeling")
    assert run(ready, "token", "revoke", "t@gemeente.nl", token_id).returncode == 0
    assert "\tingetrokken\t" in run(ready, "token", "list", "t@gemeente.nl").stdout
    assert run(ready, "token", "revoke", "t@gemeente.nl", "999").returncode == 1
    past = run(ready, "token", "create", "t@gemeente.nl", "--verloopt", "2020-01-01")
    assert past.returncode == 1 and "vervaldatum in de toekomst" in past.stderr


def test_benchmark_export_writes_the_file_or_says_there_is_no_data(ready, tmp_path):
    target = tmp_path / "b.csv"
    empty = run(
        ready, "benchmark", "export", "--year", "2019", "--format", "csv", "-o", str(target)
    )
    assert empty.returncode == 1 and "nog niet gepubliceerd" in empty.stderr
    assert not target.exists()


def test_benchmark_publish_withdraw_and_export(ready, tmp_path):
    engine = make_engine(f"sqlite:///{ready / 'data' / 'assess.db'}")
    with transaction(session_factory(engine)) as session:
        demo.generate(session, SYSTEM, range(2021, 2022), participation=0.5)
    engine.dispose()
    made = run(ready, "benchmark", "publish", "--year", "2021")
    assert made.returncode == 0, made.stderr
    assert made.stderr.startswith("Publicatie 1 van 2021 gemaakt op ")
    again = run(ready, "benchmark", "publish", "--year", "2021")
    assert again.returncode == 1 and "niets veranderd" in again.stderr
    code = query(ready, "SELECT municipality_code FROM assessments WHERE year = 2021 LIMIT 1")[0][0]
    withdrawn = run(ready, "benchmark", "withdraw", code, "--year", "2021")
    assert withdrawn.returncode == 0 and "vanaf de volgende publicatie" in withdrawn.stderr
    assert query(ready, f"SELECT sharing FROM assessments WHERE municipality_code = '{code}'") == [
        ("prive",)
    ]
    one_less = run(ready, "benchmark", "publish", "--year", "2021")
    assert one_less.returncode == 1 and "herkenbaar" in one_less.stderr
    target = tmp_path / "b.json"
    written = run(
        ready, "benchmark", "export", "--year", "2021", "--format", "json", "-o", str(target)
    )
    assert written.returncode == 0 and json.loads(target.read_text())["publicatie"] == 1
    unknown = run(ready, "benchmark", "withdraw", "GM9999", "--year", "2021")
    assert unknown.returncode == 1 and "GM9999" in unknown.stderr


# --- backup and restore, and errors as one line ----------------------------------------


def one_line_error(result: Result) -> str:
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fout: "), result.stderr
    return lines[0]


def test_backup_into_a_missing_folder_is_one_line(ready, tmp_path):
    line = one_line_error(run(ready, "backup", str(tmp_path / "nergens" / "kopie.db")))
    assert "nergens: deze map bestaat niet" in line
    assert not (tmp_path / "nergens").exists()


def test_an_unreachable_database_is_one_line(tmp_path):
    result = run(
        tmp_path, "db", "upgrade", ASSESS_DATABASE_URL="postgresql://postgres:geheim@127.0.0.1:1/x"
    )
    line = one_line_error(result)
    assert "de database antwoordt niet" in line and "geheim" not in line


def test_restore_puts_back_the_backup_and_asks_first(ready, tmp_path):
    copy = tmp_path / "kopie.db"
    assert run(ready, "backup", str(copy)).returncode == 0
    assert not list(tmp_path.glob(".*.deel"))  # nothing half-written left beside it
    added = run(ready, "user", "add", "later@x.nl", "--role", "analist")
    assert added.returncode == 0, added.stderr
    unconfirmed = one_line_error(run(ready, "restore", str(copy)))
    assert "--ja" in unconfirmed
    assert query(ready, "select count(*) from users where email = 'later@x.nl'") == [(1,)]
    restored = run(ready, "restore", str(copy), "--ja")
    assert restored.returncode == 0, restored.stderr
    assert query(ready, "select count(*) from users where email = 'later@x.nl'") == [(0,)]
    assert query(ready, "select count(*) from municipalities") == [(342,)]


def test_restore_refuses_a_file_that_is_no_backup(ready, tmp_path):
    junk = tmp_path / "geen.db"
    junk.write_text("dit is geen database")
    line = one_line_error(run(ready, "restore", str(junk), "--ja"))
    assert "geen reservekopie van deze dienst" in line
    assert query(ready, "select count(*) from municipalities") == [(342,)]


def test_questionnaire_check_reports_duplicate_keys_and_deep_nesting(tmp_path):
    doubled = tmp_path / "dubbel.yaml"
    doubled.write_text('id: x\nversie: "1"\nversie: "2"\n')
    deep = tmp_path / "diep.yaml"
    deep.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n")
    result = run(tmp_path, "questionnaire", "check", str(doubled), str(deep))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{doubled}:3: geen geldige YAML: de sleutel 'versie' staat twee keer" in result.stderr
    assert f"{deep}: het bestand is te diep genest om te lezen" in result.stderr


@pytest.mark.skipif(not os.environ.get("ASSESS_TEST_DATABASE_URL"), reason="needs PostgreSQL")
def test_postgres_backup_and_restore_keep_the_password_off_the_command_line(tmp_path, monkeypatch):
    from sqlalchemy import create_engine, make_url, text

    admin_url = make_url(os.environ["ASSESS_TEST_DATABASE_URL"]).set(
        drivername="postgresql+psycopg"
    )
    name = f"assess_restore_{os.getpid()}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"drop database if exists {name}"))
        c.execute(text(f"create database {name}"))
    url = admin_url.set(database=name, password="geheim", drivername="postgresql")
    database = url.render_as_string(hide_password=False)
    calls: list[tuple[list[str], dict[str, str]]] = []
    real_run = subprocess.run

    def recording_run(args, **kwargs):
        calls.append((list(args), dict(kwargs.get("env") or {})))
        return real_run(args, **kwargs)

    monkeypatch.setattr(subprocess, "run", recording_run)
    try:
        env = {"ASSESS_DATABASE_URL": database}
        assert run(tmp_path, "db", "upgrade", **env).returncode == 0
        added = run(tmp_path, "user", "add", "eerst@x.nl", "--role", "analist", **env)
        assert added.returncode == 0, added.stderr
        copy = tmp_path / "kopie.dump"
        done = run(tmp_path, "backup", str(copy), **env)
        assert done.returncode == 0, done.stderr
        assert (
            run(tmp_path, "user", "add", "later@x.nl", "--role", "analist", **env).returncode == 0
        )
        restored = run(tmp_path, "restore", str(copy), "--ja", **env)
        assert restored.returncode == 0, restored.stderr
        emails = create_engine(url.set(drivername="postgresql+psycopg"))
        with emails.connect() as c:
            found = set(c.execute(text("select email from users")).scalars())
        emails.dispose()
        assert found == {"eerst@x.nl"}
    finally:
        with admin.connect() as c:
            c.execute(text(f"drop database if exists {name} with (force)"))
        admin.dispose()
    assert [Path(args[0]).name for args, _ in calls] == ["pg_dump", "pg_restore"]
    for args, env in calls:
        assert not any("geheim" in part for part in args), args
        assert env["PGPASSWORD"] == "geheim"
