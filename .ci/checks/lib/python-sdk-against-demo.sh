#!/usr/bin/env bash
# Runs a Python check against a real `kaifang demo` on a free loopback port:
#   bash .ci/checks/lib/python-sdk-against-demo.sh SCRIPT.py
# Installs PyPI ks-shop-python-sdk into a venv, builds and starts the server with a fresh data
# directory, waits until it is ready, runs `python SCRIPT BASE_URL DEMO_JSON`, and always stops
# the server.
set -euo pipefail
cd "$(dirname "$0")/../../.."

VENV="${KAIFANG_KSPY_VENV:-/tmp/kaifang-ci-kspy-venv}"
if [ ! -x "$VENV/bin/python" ]; then
  if ! python3 -m venv "$VENV" 2>/dev/null; then
    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
    rm -rf "$VENV"
    python3 -m venv "$VENV"
  fi
fi
"$VENV/bin/pip" install -q --disable-pip-version-check "ks-shop-python-sdk==0.3.0"

cargo build -p kaifang-server
BIN="${CARGO_TARGET_DIR:-target}/debug/kaifang"

DATA="$(mktemp -d)"
PORT="$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
"$BIN" demo --listen "127.0.0.1:$PORT" --data-dir "$DATA" >"$DATA/server.log" 2>&1 &
PID=$!
cleanup() {
  kill "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  rm -rf "$DATA"
}
trap cleanup EXIT

ready=""
for _ in $(seq 1 150); do
  if ! kill -0 "$PID" 2>/dev/null; then
    cat "$DATA/server.log" >&2
    echo "kaifang demo exited before it was ready" >&2
    exit 1
  fi
  if [ -s "$DATA/demo.json" ] && "$VENV/bin/python" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$BASE/healthz" 2>/dev/null; then
    ready=1
    break
  fi
  sleep 0.2
done
if [ -z "$ready" ]; then
  cat "$DATA/server.log" >&2
  echo "kaifang demo did not become ready on $BASE" >&2
  exit 1
fi

NO_PROXY="127.0.0.1,localhost" no_proxy="127.0.0.1,localhost" \

NO_PROXY="127.0.0.1,localhost" no_proxy="127.0.0.1,localhost" \
  "$VENV/bin/python" "$1" "$BASE" "$DATA/demo.json"
