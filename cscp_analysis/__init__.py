"""cscp-analysis: the reproducible analysis package of a Local Safeguarding Children Partnership.

Layers (dependencies point one way):
    stats, disclosure          pure numerics, import nothing of ours
    periods, codes, config     vocabulary shared by everything
    returns                    the only module that reads input files
    scorecard, disproportionality, assurance
                               pure domain functions on tidy tables
    charts, evidence           deterministic figures and the pack's manifest
    pipeline, cli              run notebooks with papermill, render HTML, write outputs
"""

__version__ = "0.1.0"
