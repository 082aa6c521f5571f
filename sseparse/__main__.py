"""``python -m sseparse``."""

from __future__ import annotations

import sys

from sseparse.cli import main

sys.exit(main())
