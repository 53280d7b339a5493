"""Shared helpers for the statutory importers' tests: the hand-written files in ``data/``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).parent / "data"


def read(folder: Path, name: str) -> pd.DataFrame:
    """A CSV the importer wrote, every value as text ('' for blank)."""
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


@pytest.fixture
def data() -> Path:
    return DATA
