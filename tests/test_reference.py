"""The published reference files: copied intact, read as text, symbols kept.

Expected values come from each folder's PROVENANCE.md (git blob sha1s, row counts, named cells) or
from the raw CSV lines quoted in the comments, never from the readers' own output.
"""

from __future__ import annotations

import hashlib
import re
import shutil

import numpy as np
import pandas as pd
import pytest

from cscp_analysis import reference as ref

REF = ref.DEFAULT_REFERENCE_DIR


def _git_blob_sha1(path) -> str:
    data = path.read_bytes()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@pytest.mark.parametrize("key", [k for k in ref.FILES if k != "mye2023"])
def test_copied_files_are_byte_identical_to_their_provenance(key):
    # Each PROVENANCE.md names the file and the git blob sha1 of the published version.
    path = ref.reference_path(key)
    provenance = (path.parent / "PROVENANCE.md").read_text()
    lines = [line for line in provenance.splitlines() if path.name in line]
    assert lines, f"{path.name} is not named in its PROVENANCE.md"
    stated = set(re.findall(r"\b[0-9a-f]{40}\b", " ".join(lines)))
    assert _git_blob_sha1(path) in stated


def test_every_copied_folder_keeps_its_provenance():
    for key in ref.FILES:
        assert (ref.reference_path(key).parent / "PROVENANCE.md").is_file()


@pytest.mark.parametrize(
    ("key", "rows"),
    # Row counts (excluding the header) as stated in the PROVENANCE.md files.
    [("b1", 2132), ("c1", 2132), ("c4", 2132), ("d3", 2132), ("d5", 2132), ("cla", 2505), ("population", 2132),
     ("workforce", 1463), ("sn2025", 153), ("mye2023", 20349)],
)  # fmt: skip
def test_row_counts_match_provenance(key, rows):
    assert len(ref.read_published(key)) == rows


def test_symbols_are_read_as_text_and_never_become_zero():
    # b1, 2023, Isles of Scilly (420): "...,420,E06000053,Isles of Scilly,Children in Need,...,c,..." at 31 March.
    b1 = ref.read_cin_table("b1")
    scilly = b1[(b1["year"] == 2023) & (b1["old_la_code"] == "420")]
    assert scilly["At31_episodes"].tolist() == ["c"]
    # CLA 2025, City of London looked after at 31 March: "...,847,c,c".
    cla = ref.read_cla_rates()
    col = cla[
        (cla["year"] == 2025)
        & (cla["old_la_code"] == "201")
        & cla["population_type"].str.contains("31 March")
    ]
    assert col[["population_estimate", "children_count", "rate_per_10000"]].values.tolist() == [
        ["847", "c", "c"]
    ]
    # Workforce 2025, Sunderland agency rate is published as "low".
    wf = ref.read_workforce()
    assert wf.loc[(wf["year"] == 2025) & (wf["old_la_code"] == "394"), "agency_rate_fte"].tolist() == ["low"]


def test_split_values_keeps_each_symbol_and_its_meaning():
    values = pd.Series(["12", "0", "c", "x", "z", "low", "k", "u", ":", "", "3.5"])
    number, status = ref.split_values(values)
    assert status.tolist() == ["ok", "ok", "c", "x", "z", "low", "k", "u", ":", "missing", "ok"]
    assert number.iloc[1] == 0.0 and number.iloc[0] == 12.0 and number.iloc[-1] == 3.5
    assert number.iloc[2:10].isna().all()  # no symbol becomes a number, least of all zero
    assert set(ref.SYMBOLS) == {"c", "x", "z", "low", "k", "u", ":"}


def test_split_values_rejects_unknown_tokens_naming_them():
    with pytest.raises(ref.ReferenceDataError, match=r"somefile: unrecognised value\(s\) \['n/a'\]"):
        ref.split_values(pd.Series(["1", "n/a"]), where="somefile")


def test_readers_share_the_standard_leading_columns():
    for df in [ref.read_cin_table(t) for t in ("b1", "c1", "c4", "d3", "d5")] + [
        ref.read_cla_rates(),
        ref.read_population(),
        ref.read_workforce(),
    ]:
        assert list(df.columns[:7]) == [
            "year",
            "level",
            "region_code",
            "region_name",
            "old_la_code",
            "new_la_code",
            "la_name",
        ]
        assert set(df["level"]) == {"national", "regional", "la"}
        assert df["year"].dtype == np.int64
        # Value columns stay text.
        assert all(df[c].dtype == object or str(df[c].dtype) in ("str", "string") for c in df.columns[7:])


def test_statistical_neighbours_of_coventry_match_provenance():
    # PROVENANCE.md: "Coventry (331) 2025 neighbours: 831 Derby, 852 Southampton, 874 Peterborough (very close),
    # 350 Bolton, 336 Wolverhampton, 312 Hillingdon, 354 Rochdale, 335 Walsall, 821 Luton, 861 Stoke-on-Trent (close)."
    sn = ref.read_sn_model()
    cov = sn[sn["old_la_code"] == "331"]
    assert cov["neighbour_code"].tolist() == [
        "831",
        "852",
        "874",
        "350",
        "336",
        "312",
        "354",
        "335",
        "821",
        "861",
    ]
    assert cov["sn_rank"].tolist() == list(range(1, 11))
    assert cov["closeness"].tolist() == ["Very close"] * 3 + ["Close"] * 7
    assert sn.groupby("old_la_code").size().eq(10).all() and sn["old_la_code"].nunique() == 153


def test_population_values_named_in_provenance():
    # ons_population/PROVENANCE.md: Coventry mid-2023 0-17 = 80,988 in the DfE series (revised),
    # 80,494 in the original July-2024 release.
    pop = ref.read_population()
    assert pop.loc[
        (pop["year"] == 2023) & (pop["new_la_code"] == "E08000026"), "population_estimate"
    ].tolist() == ["80988"]
    mye = ref.read_mye2023_0_17()
    assert mye.loc[mye["code"] == "E08000026", "population"].tolist() == [80494]


def test_missing_file_gives_a_clear_error(tmp_path):
    with pytest.raises(ref.ReferenceDataError, match="reference file not found: .*b1_children_in_need"):
        ref.read_cin_table("b1", tmp_path)
    with pytest.raises(ref.ReferenceDataError, match="unknown reference file"):
        ref.reference_path("nope")


def test_reader_sees_a_changed_file(tmp_path):
    # The reading cache is keyed by path and modification time.
    folder = tmp_path / "dfe_cin_census"
    folder.mkdir()
    src = ref.reference_path("b1")
    shutil.copy(src, folder / src.name)
    assert len(ref.read_cin_table("b1", tmp_path)) == 2132
    text = (folder / src.name).read_text().splitlines(keepends=True)
    (folder / src.name).write_text("".join(text[:-1]))
    assert len(ref.read_cin_table("b1", tmp_path)) == 2131
