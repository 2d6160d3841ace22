"""Fixtures for the security tests.

Requests run in a fresh application context each (the root conftest's FreshContextClient),
so every client really is its own user: the walks below depend on that.
"""

from __future__ import annotations

import pytest
from jinja2 import BytecodeCache

from tests.security.logcapture import all_logs  # noqa: F401  (a fixture for every security test)


class _SharedBytecodeCache(BytecodeCache):
    """Compiled templates shared by the many apps of a run (keyed by the template source's checksum)."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


_TEMPLATE_CACHE = _SharedBytecodeCache()


@pytest.fixture
def make_app(make_app):
    """Build apps as the root fixture does; speed only: a new app per test would recompile every template."""

    def build(**overrides):
        app = make_app(**overrides)
        app.jinja_env.bytecode_cache = _TEMPLATE_CACHE
        return app

    return build
