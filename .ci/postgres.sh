# Sourced by .ci/run: start PostgreSQL on 127.0.0.1 and export IMP_TEST_PG_URL.
# Every step may fail (no root, no network): CI then runs without PostgreSQL.
start_postgres() {
    local sudo="" version cluster_dir
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null && sudo="sudo -n" || return 1
    fi
    if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || return 1
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || return 1
    fi
    version=$(ls /usr/lib/postgresql | sort -V | tail -1)
    if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -q "^$version main$"; then
        $sudo pg_createcluster "$version" main >/dev/null || return 1
    fi
    if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
        $sudo pg_ctlcluster "$version" main start || return 1
    fi
    local port
    port=$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')
    local psql="$sudo -u postgres psql -q -p $port -v ON_ERROR_STOP=1"
    [ -z "$sudo" ] && psql="runuser -u postgres -- psql -q -p $port -v ON_ERROR_STOP=1"
    $psql -tc "SELECT 1 FROM pg_roles WHERE rolname = 'imp_test'" | grep -q 1 ||
        $psql -c "CREATE ROLE imp_test LOGIN PASSWORD 'imp_test'" || return 1
    $psql -tc "SELECT 1 FROM pg_database WHERE datname = 'imp_test'" | grep -q 1 ||
        $psql -c "CREATE DATABASE imp_test OWNER imp_test" || return 1
    export IMP_TEST_PG_URL="postgresql://imp_test:imp_test@127.0.0.1:$port/imp_test"
}

if [ -z "${IMP_TEST_PG_URL:-}" ]; then
    if start_postgres; then
        echo "PostgreSQL ready: ${IMP_TEST_PG_URL%%@*}@… (tests run on SQLite and PostgreSQL)"
    else
        echo "PostgreSQL could not be started; its tests are skipped." >&2
    fi
fi
