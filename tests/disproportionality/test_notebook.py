"""The notebook runs on the demo data, publishes its tables and figures, and no child identifier or date
of birth reaches its outputs."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NB = ROOT / "notebooks" / "03_disproportionality.ipynb"


def test_notebook_is_committed_clean():
    nb = json.loads(NB.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"] == {"name": "cscp-analysis", "display_name": "Python (cscp-analysis)",
                                            "language": "python"}
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    assert nb["cells"][0]["cell_type"] == "markdown"
    assert "parameters" in code[0]["metadata"]["tags"] and "remove-cell" in code[1]["metadata"]["tags"]


@pytest.mark.slow
def test_notebook_runs_on_the_demo(tmp_path):
    import papermill as pm

    out = tmp_path / "pack"
    pm.execute_notebook(str(NB), str(tmp_path / "03.ipynb"), kernel_name="cscp-analysis", cwd=str(NB.parent),
                        parameters={"output_dir": str(out), "data_dir": str(ROOT / "data_raw" / "demo")},
                        progress_bar=False)
    tables = {p.name for p in (out / "tables").glob("*.csv")}
    from cscp_analysis.disproportionality.sections import APPENDIX

    for name, _ in APPENDIX:  # every table the appendix lists is in the pack
        assert f"{name}.csv" in tables, name
    for name in ("disproportionality_referred_forest", "disproportionality_forest_rri", "disproportionality_decisions_forest",
                 "disproportionality_looked_after_forest", "disproportionality_sex_age_forest",
                 "disproportionality_trend_chart", "disproportionality_partner_forest"):
        assert (out / "figures" / f"{name}.svg").exists(), name
        assert f"{name}_data.csv" in tables, name
    # no child identifier or date of birth in any output
    ids = re.compile(r"\bCH\d{5,}\b")
    for p in list((out / "tables").glob("*.csv")) + [tmp_path / "03.ipynb"]:
        text = p.read_text(encoding="utf-8")
        assert not ids.search(text), p.name
        assert "date_of_birth" not in text, p.name
