"""Shared test settings: hypothesis profiles.

The default profile `ci` keeps the suite fast; `--hypothesis-profile=long` runs far more
examples for a soak run.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=False,
)
settings.register_profile(
    "long", deadline=None, max_examples=200_000, suppress_health_check=list(HealthCheck),
)
settings.load_profile("ci")
