"""The demo tests use the same sandbox fixture as the core tests."""

from tests.core.conftest import sandbox  # noqa: F401  (a fixture, used by name)
