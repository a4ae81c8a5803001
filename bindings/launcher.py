#!/usr/bin/env python3
"""The ``lifecircle`` command of an installed package (pip installs this file as it).

It runs the compiled CLI kept inside the package, ``lifecircle/_bin/lifecircle``, which finds
the shared libraries a repaired wheel carries in ``lifecircle.libs`` (scripts/wheel.sh), and
tells it this interpreter for the commands written in Python (plan, report, map, export):
installed by pip, pipx or ``--target``, the command then works without an activated
environment. A build tree's CLI (build/<preset>/lifecircle) needs none of this.
"""

import importlib.util
import os
import sys


def main() -> None:
    spec = importlib.util.find_spec("lifecircle")  # found, not imported: no start-up cost
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"lifecircle: the lifecircle package is not importable by {sys.executable}")
    exe = os.path.join(spec.submodule_search_locations[0], "_bin", "lifecircle")
    os.environ.setdefault("LIFECIRCLE_PYTHON", sys.executable)
    try:
        os.execv(exe, [sys.argv[0], *sys.argv[1:]])
    except OSError as e:
        sys.exit(f"lifecircle: cannot run {exe} ({e.strerror}); reinstall the lifecircle package")


if __name__ == "__main__":
    main()
