#!/usr/bin/env sh
# Print the path of a Python >= 3.12, or explain what is missing and fail.
# Tries $PYTHON, then python3.14..python3.12 and python3 on PATH, then pyenv's installed versions.
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
for c in ${PYTHON:-} python3.14 python3.13 python3.12 python3; do
  p=$(command -v "$c" 2>/dev/null) || continue
  if ok "$p"; then echo "$p"; exit 0; fi
done
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root)
  for p in $(ls -d "$root"/versions/3.1[2-9]* 2>/dev/null | sort -rV); do
    if ok "$p/bin/python3"; then echo "$p/bin/python3"; exit 0; fi
  done
fi
echo "Kedja needs Python 3.12 or newer, and none was found." >&2
echo "Install one (e.g. 'apt-get install python3.12' or 'pyenv install 3.12'), or point PYTHON=/path/to/python3.12 at it." >&2
exit 1
