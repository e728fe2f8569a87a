"""Shared fixtures. GUI tests run on the offscreen platform so CI needs no display."""
import os

import pytest

import resources

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# New projects made in the test process get the scheme most tests were written against: ACTOR/
# LOCATION/EVENT, PLOVER's older 18 types, roles source/target/location ("legacy"). Set at import,
# not in a fixture, so module- and session-scoped fixtures get it too. A test of the application's
# real default, PLOVER 2.0, asks for ``plover_default``; a subprocess gets the real default.
resources.DEFAULT_SCHEME = "legacy"


@pytest.fixture
def plover_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """New projects get the application's real default scheme, PLOVER 2.0."""
    monkeypatch.setattr(resources, "DEFAULT_SCHEME", resources.SHIPPED_DEFAULT)
