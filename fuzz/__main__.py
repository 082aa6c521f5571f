"""``python -m fuzz``: the bounded smoke run of every fuzz target (``_smoke.py``).

Run from the repository root::

    python -m fuzz --smoke                        # every target, seed 0
    python -m fuzz --smoke --target sse --inputs 1000 --seconds 600
    python -m fuzz --smoke --seed 7 --target http --index 57   # one input again
    python -m fuzz --write-corpus corpus/         # seeds for atheris, per target
    python -m fuzz --list

Exit status: 0 when every input passed, 1 at the first failure of any target
(its input is printed and written to ``--failures``), 2 for a usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path

# The targets import each other as top-level modules (``from _support import``),
# as they do when run as ``python fuzz/fuzz_sse.py``.
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _smoke

if __name__ == "__main__":
    sys.exit(_smoke.main())
