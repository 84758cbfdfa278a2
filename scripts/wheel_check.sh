#!/usr/bin/env bash
# Does a regular install work outside the repository? Builds the wheel from a clean copy of
# the source tree, installs it into a fresh virtual environment (dependencies from the
# package registry), and from a temporary folder outside the checkout runs what a user runs:
# build, query list, a named query, check --skip-java, check (OWL API + HermiT), export, and
# serve on a free port answering /sparql?query=ASK{} and /. Exit 0 when all of them work.
# Called by .ci/run after `make test`; run it by hand with `bash scripts/wheel_check.sh`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || PY=python3
WORK="$(mktemp -d "${TMPDIR:-/tmp}/kkg-wheel-check.XXXXXX")"
SERVER_PID=""

cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() { echo "wheel check: FAILED: $*" >&2; exit 1; }
step() { echo "wheel check: $*" >&2; }

# 1. the wheel, from a copy without .venv, build/ or a built graph (nothing stale gets in)
mkdir -p "$WORK/src" "$WORK/dist" "$WORK/run"
tar -C "$ROOT" --exclude=./.venv --exclude=./.git --exclude=./build --exclude=./dist \
  --exclude=./instance --exclude=./bench/data --exclude='*.egg-info' --exclude=__pycache__ \
  -cf - . | tar -C "$WORK/src" -xf -
step "building the wheel"
"$PY" -m pip wheel --no-deps -q -w "$WORK/dist" "$WORK/src" >/dev/null 2>"$WORK/pip.log" \
  || { cat "$WORK/pip.log" >&2; fail "pip wheel"; }
WHEEL="$(ls "$WORK"/dist/ketamine_kg-*.whl)"

# 2. a fresh venv with the wheel and its dependencies
step "installing $(basename "$WHEEL") into a fresh venv"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install -q "$WHEEL" >/dev/null 2>"$WORK/pip.log" \
  || { cat "$WORK/pip.log" >&2; fail "pip install"; }
KKG="$WORK/venv/bin/ketamine-kg"

# 3. run it as a user does, from a folder that is not the checkout, with no overrides
cd "$WORK/run"
unset PYTHONPATH KKG_QUERIES_DIR KKG_RELEASE_DIR KKG_HOME KKG_ENGINE || true
where="$("$WORK/venv/bin/python" -c 'import graph; print(graph.__file__)')"
case "$where" in "$WORK/venv/"*) ;; *) fail "graph imported from $where, not the venv";; esac

run() {  # run NAME ARGS...: the command must exit 0; its output goes to $WORK/NAME.out
  local name="$1"; shift
  step "ketamine-kg $*"
  "$KKG" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" \
    || { local rc=$?; cat "$WORK/$name.err" >&2; fail "ketamine-kg $* exited $rc"; }
}
expect() {  # expect NAME TEXT: NAME's output holds TEXT
  grep -qF -- "$2" "$WORK/$1.out" || { cat "$WORK/$1.out" "$WORK/$1.err" >&2; fail "$1: no '$2'"; }
}

run build build
expect build "ketamine-uses: "
[ -e instance/current ] || fail "build left no instance/current in $(pwd)"
run list query list
expect list "conditions-for-drug"
run named query conditions-for-drug
expect named "anaesthetic induction"
run check-quick check --skip-java
run check check
expect check "owl2-dl profile: ok"
run export export --format ttl --out graph.ttl
[ -s graph.ttl ] || fail "export wrote nothing"

PORT="$("$WORK/venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
step "ketamine-kg serve --port $PORT"
"$KKG" serve --port "$PORT" --workers 1 >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER_PID=$!
"$WORK/venv/bin/python" - "$PORT" <<'PYEOF' || { cat "$WORK/serve.err" >&2; fail "serve"; }
import sys, time, urllib.request
base = f"http://127.0.0.1:{sys.argv[1]}"
deadline = time.monotonic() + 90
while True:
    try:
        with urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%7D", timeout=10) as answer:
            body = answer.read().decode()
        break
    except OSError:
        if time.monotonic() > deadline:
            sys.exit("the server did not answer within 90 s")
        time.sleep(0.5)
assert '"boolean"' in body and "true" in body, body
with urllib.request.urlopen(f"{base}/", timeout=10) as answer:
    assert answer.status == 200 and "ketamine" in answer.read().decode().lower()
PYEOF
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
step "ok: build, query, check, export and serve work from an installed wheel"
