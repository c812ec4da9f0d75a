#!/usr/bin/env sh
# Print the path of a Python >= 3.12, or explain what is missing and fail.
# Tries $PYTHON, then python3.14..python3.12 and python3 on PATH, then pyenv's installed versions, and
# prints the first that is new enough. With --oldest it prints the oldest supported one it can find
# instead (CI builds its environment from that, as the least forgiving machine a user may have).
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
version() { "$1" -c 'import sys; print("%d.%03d.%03d" % sys.version_info[:3])' 2>/dev/null; }
candidates() {
  for c in ${PYTHON:-} python3.14 python3.13 python3.12 python3; do
    p=$(command -v "$c" 2>/dev/null) && echo "$p"
  done
  if command -v pyenv >/dev/null 2>&1; then
    root=$(pyenv root)
    ls -d "$root"/versions/3.1[2-9]* 2>/dev/null | sort -rV | sed 's|$|/bin/python3|'
  fi
}
found=""
for p in $(candidates); do
  ok "$p" || continue
  if [ "${1:-}" != "--oldest" ]; then echo "$p"; exit 0; fi
  found="$found$(version "$p") $p
"
done
if [ -n "$found" ]; then
  printf '%s' "$found" | sort | head -n 1 | cut -d' ' -f2
  exit 0
fi
echo "Kedja needs Python 3.12 or newer, and none was found." >&2
echo "Install one (e.g. 'apt-get install python3.12' or 'pyenv install 3.12'), or point PYTHON=/path/to/python3.12 at it." >&2
exit 1
