"""The suite's rules hold for the fuzz targets too (see ``tests/conftest.py``).

Under CI a skipped fuzz target is a failure, as a skipped test is.
"""

from __future__ import annotations

import sys
from pathlib import Path

# ``pytest fuzz`` alone does not put the repository root on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import (
    pytest_make_collect_report,
    pytest_runtest_makereport,
)

__all__ = ["pytest_make_collect_report", "pytest_runtest_makereport"]
