#!/usr/bin/env bash
# The quick start on a fresh machine, checked: clone this repository into a temporary folder (with the
# working tree's tracked and new files laid over it, so uncommitted work is what gets checked), run the
# setup there with the bundled installer of the Python that scripts/find_python.sh picks (set PYTHON to
# choose one), then check that `manage.py check` passes and that `make demo` serves the Swedish sign-in
# page on a free port. Exits non-zero with the reason when any step fails.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/kedja-fresh.XXXXXX)
server=""
cleanup() {
  if [ -n "$server" ]; then kill -TERM -- "-$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
step() { printf '%s  %s\n' "$(date +%T)" "$*"; }
fail() { echo "FAILED: $*" >&2; for f in "$work"/*.log; do [ -f "$f" ] && { echo "--- $f" >&2; tail -n 40 "$f" >&2; }; done; exit 1; }

step "clone into $work/kedja"
git clone -q --no-local "$repo" "$work/kedja"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) | tar -xf - -C "$work/kedja"
cd "$work/kedja"
unset VIRTUAL_ENV

py=$(scripts/find_python.sh "${FIND_PYTHON_FLAG:-}")
step "setup with $("$py" --version 2>&1) and its bundled $("$py" -m pip --version 2>/dev/null | cut -d' ' -f1-2)"
PYTHON=$py make setup >"$work/setup.log" 2>&1 || fail "make setup"
step "installer in .venv now: $(.venv/bin/python -m pip --version | cut -d' ' -f1-2)"

step "manage.py check"
.venv/bin/python manage.py check >"$work/check.log" 2>&1 || fail "manage.py check"

port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
step "make demo PORT=$port"
setsid make demo PORT="$port" </dev/null >"$work/demo.log" 2>&1 &
server=$!
page="$work/login.html"
for _ in $(seq 1 240); do
  if curl -fsS -H 'Accept-Language: sv' -o "$page" "http://127.0.0.1:$port/accounts/login/" 2>/dev/null; then break; fi
  kill -0 "$server" 2>/dev/null || fail "make demo stopped before it served a page"
  sleep 1
done
[ -s "$page" ] || fail "no answer from http://127.0.0.1:$port/accounts/login/ within 240 s"
grep -q '<html lang="sv"' "$page" || fail "the sign-in page is not in Swedish (no <html lang=\"sv\">)"
grep -q 'Logga in' "$page" || fail "the sign-in page has no 'Logga in'"
step "the demo answers on port $port with the Swedish sign-in page"
echo "fresh setup: OK"
