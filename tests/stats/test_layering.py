"""``cscp_analysis.stats`` is pure numerics: it imports nothing else of ours (docs/methods.md)."""

import ast
from pathlib import Path

import cscp_analysis.stats as stats

STATS = Path(stats.__file__).parent


def imports_outside_stats(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level >= 2 or (node.level == 0 and (node.module or "").startswith("cscp_analysis")
                                   and not (node.module or "").startswith("cscp_analysis.stats")):
                found.append(f"{path.name}:{node.lineno}: from {'.' * node.level}{node.module or ''}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("cscp_analysis") and not alias.name.startswith("cscp_analysis.stats"):
                    found.append(f"{path.name}:{node.lineno}: import {alias.name}")
    return found


def test_stats_imports_nothing_else_of_ours():
    modules = sorted(STATS.glob("*.py"))
    assert len(modules) >= 10
    problems = [p for m in modules for p in imports_outside_stats(m)]
    assert problems == []


def test_the_check_can_fail(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from ..periods import Period\nimport cscp_analysis.scorecard\nfrom .intervals import x\n")
    assert imports_outside_stats(bad) == ["bad.py:1: from ..periods", "bad.py:2: import cscp_analysis.scorecard"]
