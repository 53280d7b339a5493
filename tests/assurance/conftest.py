"""Tiny registers built to the schemas (cscp_analysis.returns.schemas), typed as the loader types them."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from cscp_analysis.returns.schemas import SCHEMAS

PERIOD = "2026-27-Q2"  # 1 July to 30 September 2026
END = pd.Timestamp("2026-09-30")


def make(table: str, rows: list[dict]) -> pd.DataFrame:
    """A DataFrame with every column of the schema, typed (dates datetime64, integers Int64, codes text)."""
    schema = SCHEMAS[table]
    df = pd.DataFrame(rows, columns=schema.column_names)
    for col in schema.columns:
        if col.type == "date":
            df[col.name] = pd.to_datetime(df[col.name])
        elif col.type == "integer":
            df[col.name] = pd.array(pd.to_numeric(df[col.name]), dtype="Int64")
        else:
            df[col.name] = df[col.name].astype("string")
    return df


@pytest.fixture
def config():
    """The parts of PartnershipConfig the assurance modules read."""
    return SimpleNamespace(
        suppression_threshold=5,
        cdop_threshold=5,
        raw={"disclosure": {"threshold": 5, "cdop_threshold": 5}},
        agencies={"CSC": "Children's Services", "POLICE": "Police", "HEALTH": "Health", "EDUCATION": "Education",
                  "PARTNERSHIP": "Business unit"},
        priorities={"P1": "Right help at the right time",
                    "P2": "Protecting children from exploitation and harm outside the home",
                    "P3": "Tackling neglect", "P4": "A learning partnership that hears children's voices"},
    )
