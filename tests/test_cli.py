import json
import subprocess
import sys

from imp_desktop import __version__
from imp_desktop.cli import main


def test_version(capsys):
    try:
        main(["--version"])
    except SystemExit as exit_:
        assert exit_.code == 0
    assert __version__ in capsys.readouterr().out


def test_demo_check_and_list(tmp_path, capsys):
    db = str(tmp_path / "cli.sqlite")
    assert main(["demo", "--db", db, "--desa", "2", "--cadres", "40", "--seed", "5"]) == 0
    assert "40 kader" in capsys.readouterr().out
    assert main(["check", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "cadre: 40" in out and "baik" in out
    assert main(["--db", db, "list", "cadres", "--json"]) == 0
    cadres = json.loads(capsys.readouterr().out)
    assert len(cadres) == 40
    assert {"id", "uuid", "name", "nik", "desa", "unit_uuid"} <= set(cadres[0])
    assert main(["list", "units", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["level"] == "ppkbd"


def test_user_errors_are_one_line_without_traceback(tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_text("not a database")
    result = subprocess.run([sys.executable, "-m", "imp_desktop", "check", "--db", str(bad)],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "IMP Desktop" in result.stderr


def _empty_database(path):
    from imp_desktop.data.db import close_database, open_database

    open_database(path)
    close_database()
    return path


def test_env_variable_names_the_database(tmp_path, monkeypatch, capsys):
    db = _empty_database(tmp_path / "env.sqlite")
    monkeypatch.setenv("IMP_DESKTOP_DB", str(db))
    assert main(["check"]) == 0
    assert str(db) in capsys.readouterr().out


def test_english_messages(tmp_path, capsys):
    db = _empty_database(tmp_path / "e.sqlite")
    assert main(["check", "--db", str(db), "--lang", "en"]) == 0
    assert "Integrity check: ok." in capsys.readouterr().out
