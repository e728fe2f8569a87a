"""Shared fixtures. GUI tests run on the offscreen platform so CI needs no display."""
import os

import pytest

import resources

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def legacy_default_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    """New projects made by a test get the scheme most tests were written against: ACTOR/LOCATION/
    EVENT, PLOVER's older 18 types, roles source/target/location ("legacy"). A test of the real
    default, PLOVER 2.0, asks for the ``plover_default`` fixture. (In-process only: a project a
    subprocess creates gets the real default.)"""
    monkeypatch.setattr(resources, "DEFAULT_SCHEME", "legacy")


@pytest.fixture
def plover_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """New projects get the application's real default scheme, PLOVER 2.0."""
    monkeypatch.setattr(resources, "DEFAULT_SCHEME", "plover-2.0")
