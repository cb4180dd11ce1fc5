"""Setting up a district office's PostgreSQL database (issue 17, part 1)."""
from urllib.parse import urlsplit, urlunsplit

import pytest

from imp_desktop.cli import main
from imp_desktop.data import migrations
from imp_desktop.data.db import close_database, open_database
from imp_desktop.data.server import ServerError, build_url, connection_error, redact
from imp_desktop.errors import NotAnImpDatabase

from tests.safety_support import pg_url, reset_pg

needs_pg = pytest.mark.skipif(not pg_url(), reason="IMP_TEST_PG_URL is not set")


def _with(url, **changes):
    parts = urlsplit(url)
    user, password = parts.username, parts.password
    host, port, path = parts.hostname, parts.port or 5432, parts.path
    password = changes.get("password", password)
    port = changes.get("port", port)
    path = "/" + changes["database"] if "database" in changes else path
    auth = user + (f":{password}" if password is not None else "")
    return urlunsplit((parts.scheme, f"{auth}@{host}:{port}", path, "", ""))


def _tables(url):
    from playhouse.db_url import connect

    db = connect(url)
    db.connect()
    try:
        return sorted(db.get_tables())
    finally:
        db.close()


def test_redact_drops_only_the_password():
    assert redact("postgresql://kb:rahasia@10.0.0.5:5433/imp") == "postgresql://kb@10.0.0.5:5433/imp"
    assert redact("postgresql://kb@10.0.0.5/imp") == "postgresql://kb@10.0.0.5/imp"
    assert build_url("server", 5432, "imp kab", "kb") == "postgresql://kb@server:5432/imp%20kab"


def test_unknown_libpq_failure_is_still_one_sentence():
    error = connection_error("postgresql://kb@h/imp", "FATAL:  too many connections\nDETAIL: x")
    assert "\n" not in str(error) and "too many connections" in str(error)


@needs_pg
def test_server_init_creates_the_schema_in_an_empty_database_and_is_repeatable(capsys):
    reset_pg(pg_url())
    assert main(["server", "init", pg_url()]) == 0
    out = capsys.readouterr().out
    assert f"skema {migrations.latest_version()}" in out
    assert f":{urlsplit(pg_url()).password}@" not in out     # the password is never printed
    assert "schema_migrations" in _tables(pg_url())
    assert main(["server", "init", pg_url()]) == 0
    assert "tidak ada yang diubah" in capsys.readouterr().out


@needs_pg
def test_a_foreign_database_is_refused_and_left_untouched(capsys):
    from playhouse.db_url import connect

    reset_pg(pg_url())
    db = connect(pg_url())
    db.connect()
    db.execute_sql("CREATE TABLE pelanggan (id serial PRIMARY KEY, nama text)")
    db.close()
    assert main(["server", "init", pg_url()]) == 1
    err = capsys.readouterr().err
    assert "program lain" in err and len(err.strip().splitlines()) == 1
    with pytest.raises(NotAnImpDatabase):
        open_database(pg_url())            # opening it (window, any command) refuses too
    assert _tables(pg_url()) == ["pelanggan"]


@needs_pg
def test_connection_failures_are_one_sentence(capsys):
    cases = {
        "password": (_with(pg_url(), password="salah-sekali"), "kata sandi"),
        "database": (_with(pg_url(), database="imp_tidak_ada_17"), "tidak ada di server"),
        "down": (_with(pg_url(), port=1), "tidak dapat dihubungi"),
    }
    for url, words in cases.values():
        with pytest.raises(ServerError, match=words):
            open_database(url)
        assert main(["--db", url, "check"]) == 1
        err = capsys.readouterr().err
        assert words in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
        assert "salah-sekali" not in err
    close_database()


@needs_pg
def test_window_opens_a_server_database_and_never_keeps_the_password(qtbot, window,
                                                                      ui_settings, tmp_path,
                                                                      monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    from imp_desktop.ui.server_dialog import ServerDialog
    from imp_desktop.ui.tasks import task_runner

    reset_pg(pg_url())
    parts = urlsplit(pg_url())
    dialog = ServerDialog(window, "")
    qtbot.addWidget(dialog)
    dialog.host.setText(parts.hostname)
    dialog.port.setValue(parts.port or 5432)
    dialog.database.setText(parts.path.lstrip("/"))
    dialog.user.setText(parts.username)
    dialog.password.setText("salah-sekali")
    dialog.resize(dialog.sizeHint())
    dialog.show()
    dialog.try_connect()
    qtbot.waitUntil(lambda: dialog.connect_button.isEnabled(), timeout=15000)
    assert "kata sandi" in dialog.error.text().lower() and dialog.result() == 0
    assert dialog.password.text() == ""                  # cleared, focus there to retype
    dialog.password.setText(parts.password)
    dialog.grab().save(str(tmp_path / "server_dialog.png"))
    with qtbot.waitSignal(dialog.accepted, timeout=15000):
        dialog.try_connect()
    assert dialog.url == redact(dialog.url) and urlsplit(dialog.url).password is None
    ui_settings.server_connection = dialog.url
    assert window.switch_database(dialog.url)
    task_runner().wait()
    assert window.db_path == dialog.url
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    assert all(":" + parts.password + "@" not in f for f in ui_settings.recent_files)
    assert ui_settings.server_connection == dialog.url
    window.switch_database(_with(pg_url(), port=1))     # a stopped server: told, kept open
    assert window.db_path == dialog.url
    assert window.db_path == dialog.url and "tidak dapat dihubungi" in warnings[0]
