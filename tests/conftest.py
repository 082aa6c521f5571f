"""Hypothesis profiles: ``dev`` (quick) and ``ci`` (thorough).

Choose one with the environment variable ``HYPOTHESIS_PROFILE``; without it, ``ci``
is used when ``CI`` is set (as ``.ci/run`` does) and ``dev`` otherwise.
"""

from __future__ import annotations

import os

from hypothesis import settings

# No deadline in either profile: bytewise feeding of a multi-kilobyte stream and
# the first draw of a text strategy take longer than hypothesis' default 200 ms on a
# loaded machine, and a flaky DeadlineExceeded tells nothing about the code.
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("ci", max_examples=300, deadline=None, print_blob=True)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev")
)
