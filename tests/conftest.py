"""Shared test settings."""

import os

from hypothesis import HealthCheck, settings

# JAX compiles on first use, which hypothesis would otherwise call too slow.
settings.register_profile(
    "lrviz", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=40
)
settings.register_profile("ci", parent=settings.get_profile("lrviz"), max_examples=40, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "lrviz")

# The app keeps compiled programs in the user's cache folder (lrviz/app/kit/boot.py); the suite
# starts from nothing each time and leaves nothing behind (also in the servers it starts).
os.environ["LRVIZ_JAX_CACHE"] = "off"
