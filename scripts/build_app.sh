#!/usr/bin/env bash
# Builds the one-folder application with PyInstaller and checks that it starts.
#
#   scripts/build_app.sh            # uses ./.venv (made by `make` if missing)
#   IMP_PYTHON=/path/to/python scripts/build_app.sh
#
# Result: dist/imp-desktop/ (copy the whole folder to the laptop). The same
# spec builds the Windows version on a Windows machine: see README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${IMP_PYTHON:-.venv/bin/python}
if [ ! -x "$PYTHON" ]; then
    make -s install
fi
"$PYTHON" -m pip install --quiet 'pyinstaller>=6.0'

echo "== building dist/imp-desktop"
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/imp-desktop.spec

APP=dist/imp-desktop
CLI="$APP/imp-desktop"
GUI="$APP/IMP Desktop"
[ -x "$CLI.exe" ] && CLI="$CLI.exe" && GUI="$GUI.exe"
echo "== size: $(du -sh "$APP" | cut -f1)"

echo "== $CLI --version"
version=$("$CLI" --version)
echo "$version"
expected=$("$PYTHON" -c 'import imp_desktop; print(imp_desktop.__version__)')
[ "$version" = "imp-desktop $expected" ] || { echo "unexpected version: $version" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The build machine's own credential store is left alone: the bundled program
# keeps the database key in a throw-away file keyring for this check.
export IMP_KEYRING_FILE="$work/keyring.json"
export PYTHON_KEYRING_BACKEND=imp_desktop.data.keystore.FileKeyring
db="$work/demo.sqlite"
echo "== demo and check on $db"
"$CLI" demo --db "$db" --desa 2 --cadres 200
"$CLI" check --db "$db"
echo "== the database is encrypted (SQLCipher bundled)"
"$CLI" security --db "$db" --json | "$PYTHON" -c \
    'import json, sys; state = json.load(sys.stdin); assert state["encrypted"], state; print("encrypted")'
if head -c 16 "$db" | grep -q "SQLite format 3"; then
    echo "the database file is not encrypted" >&2
    exit 1
fi
echo "== the demo's photos are sealed (cryptography bundled)"
photos=$(find "$db.media" -maxdepth 1 -name '*.jpg' | wc -l)
[ "$photos" -gt 0 ] || { echo "the demo stored no photo" >&2; exit 1; }
for photo in "$db.media"/*.jpg; do
    head -c 7 "$photo" | grep -q "IMPSEAL" || { echo "a photo is not sealed: $photo" >&2; exit 1; }
done
echo "$photos photos sealed"
"$CLI" report activity --db "$db" --id 1 --out "$work/kegiatan.pdf"
images=$(grep -a -c "/Subtype /Image" "$work/kegiatan.pdf" || true)
[ "$images" -gt 0 ] || { echo "the activity report shows no photo" >&2; exit 1; }
echo "the activity report draws $images pictures"
"$CLI" --lang en list units --db "$db" --json | "$PYTHON" -c \
    'import json, sys; units = json.load(sys.stdin); assert units, "no units"; print(len(units), "units listed")'

echo "== a PDF report (fonts bundled) and an Excel export"
"$CLI" report cadres --db "$db" --out "$work/kader.pdf"
head -c 5 "$work/kader.pdf" | grep -q '%PDF-' || { echo "no PDF written" >&2; exit 1; }
"$CLI" export cadres --db "$db" "$work/kader.xlsx"
[ -s "$work/kader.xlsx" ] || { echo "no XLSX written" >&2; exit 1; }

echo "== the window starts (offscreen, closed after 8 s)"
status=0
QT_QPA_PLATFORM=offscreen HOME="$work" XDG_CONFIG_HOME="$work" XDG_DATA_HOME="$work" \
    timeout 8 "$GUI" --db "$db" > "$work/window.log" 2>&1 || status=$?
if [ "$status" -ne 124 ]; then
    echo "the window exited early with status $status:" >&2
    cat "$work/window.log" >&2
    exit 1
fi
if grep -q "Traceback" "$work/window.log"; then
    echo "the window reported an error:" >&2
    cat "$work/window.log" >&2
    exit 1
fi
echo "window ran until stopped"
echo "== built $APP"
