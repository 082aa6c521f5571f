"""The fuzz targets import each other as top-level modules (``from _support
import ...``), as they do when run as ``python fuzz/fuzz_sse.py``: put
``fuzz/`` on the path before the tests here import the smoke runner."""

from __future__ import annotations

import sys
from pathlib import Path

FUZZ = Path(__file__).resolve().parents[2] / "fuzz"
if str(FUZZ) not in sys.path:
    sys.path.insert(0, str(FUZZ))
