"""Shared test fixtures: paths to the repo, its catalog and the fixture catalogs."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture
def fixtures() -> Path:
    """The folder of fixture catalogs and settings."""
    return FIXTURES
