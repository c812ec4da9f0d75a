"""Copy the front-end packages that npm installed into the ignored static folder Django serves.

Nothing here is committed: `make setup` runs `npm ci` and then this script. Only files the pages load
are copied; the browser tests read axe-core straight from node_modules.
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
TARGET = ROOT / "kedja" / "static_vendor" / "vendor"

FILES = {
    "@digdir/designsystemet-css/dist/src/index.css": "designsystemet/index.css",
    "@digdir/designsystemet-css/dist/theme/designsystemet.css": "designsystemet/theme.css",
    "@digdir/designsystemet-css/LICENSE": "designsystemet/LICENSE",
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "htmx.org/LICENSE": "htmx/LICENSE",
}


def main() -> int:
    missing = [src for src in FILES if not (NODE / src).exists()]
    if missing:
        print(
            "Front-end packages are missing; run `npm ci` first. Not found:",
            *missing,
            sep="\n  ",
            file=sys.stderr,
        )
        return 1
    for src, dst in FILES.items():
        out = TARGET / dst
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(NODE / src, out)
    print(f"Copied {len(FILES)} front-end files into {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
