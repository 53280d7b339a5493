"""The worked example on published data: byte-identical reference files, values read as published,
and the example's ratios by hand."""

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

from cscp_analysis import reference
from cscp_analysis.disproportionality.real_data import cla_example

REF = Path(reference.DEFAULT_REFERENCE_DIR)


def _git_blob_sha1(path: Path) -> str:
    data = path.read_bytes()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@pytest.mark.parametrize("folder", ["dfe_cla_characteristics", "census2021_child_pop_10_17_ethnicity"])
def test_copied_files_match_their_provenance(folder):
    prov = (REF / folder / "PROVENANCE.md").read_text(encoding="utf-8")
    files = sorted((REF / folder).glob("*.csv"))
    assert files
    for f in files:
        if folder == "dfe_cla_characteristics":
            m = re.search(rf"\| {re.escape(f.name)} \|[^|]*\| ([0-9a-f]{{40}}) \|", prov)
            assert m, f"{f.name} is not listed in PROVENANCE.md"
            assert _git_blob_sha1(f) == m.group(1)
        else:  # a transcribed extract: its PROVENANCE.md gives no hash, so the copy's is pinned here
            # (git blob sha1 of ../shared/reference/census2021_child_pop_10_17_ethnicity/, compared byte for
            # byte with cmp when it was copied)
            assert _git_blob_sha1(f) == "3bb38f88fa1013868bfd62c51e8e2cd2005c918f"
        assert f.stat().st_size < 2_000_000


def test_cla_by_ethnicity_read_as_published():
    d = reference.read_cla_by_ethnicity()
    cov = d[(d["old_la_code"] == "331") & (d["year"] == 2014)].set_index("group")
    # SFR36/2014, Coventry row: CLA_Mar2014 630, White 475, Mixed 63, Asian 26, Black 44, Other 8, not known 14
    assert cov["value"].to_dict() == {"White": 475, "Mixed": 63, "Asian": 26, "Black": 44, "Other": 8, "Unknown": 14,
                                      "Total": 630}
    # 2017: Other and not known are suppressed ('x'): missing, never zero
    x = d[(d["old_la_code"] == "331") & (d["year"] == 2017) & (d["group"] == "Other")].iloc[0]
    assert np.isnan(x["value"]) and x["status"] == "x"
    assert set(d["level"]) == {"national", "regional", "la"}


def test_census_totals_match_provenance():
    c = reference.read_census_10_17()
    cov = c[c["area"] == "Coventry"].groupby("group")["population"].sum().to_dict()
    # PROVENANCE.md: White 18,807; Asian 6,917; Black 4,611; Mixed 2,259; Other 1,545
    assert cov == {"White": 18807, "Asian": 6917, "Black": 4611, "Mixed": 2259, "Other": 1545}


def test_example_ratios_by_hand():
    e = cla_example(reference.read_cla_by_ethnicity(), reference.read_census_10_17())
    b = e[(e["area"] == "Coventry") & (e["year"] == 2014) & (e["group"] == "Black")].iloc[0]
    # share of the 630 looked after over share of the 34,139 children aged 10-17
    assert b["dr"] == pytest.approx((44 / 630) / (4611 / 34139))
    # looked after per child aged 10-17, against White children: (44 / 4,611) / (475 / 18,807)
    assert b["ratio"] == pytest.approx((44 / 4611) / (475 / 18807))
    assert b["label"] == "significantly lower"
    o = e[(e["area"] == "Coventry") & (e["year"] == 2017) & (e["group"] == "Other")].iloc[0]
    assert np.isnan(o["dr"]) and o["looked_after_status"] == "x"
    assert set(e["area"]) == {"Birmingham", "Coventry", "Dudley", "Sandwell", "Solihull", "Walsall"}
