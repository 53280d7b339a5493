"""The layers of the library, enforced (docs/architecture.md, "Layers").

Every import of every module of ``cscp_analysis`` is read from its source (top-level and inside functions
alike), and the rules checked:

* ``stats`` imports nothing of ours: the statistics stand alone and are tested against reference values;
* ``charts`` draws what it is given: it imports no domain module, nor ``session``, ``pipeline`` or ``cli``;
* the domain packages (scorecard, disproportionality, assurance, benchmarking, annual, intake, scrutiny,
  statutory) never import ``pipeline``, ``session`` or ``cli``: they are pure functions the notebooks call;
* ``sections`` (the contract) imports only ``narrative``;
* no two modules import each other, directly or round a longer loop.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "cscp_analysis"
DOMAINS = ("scorecard", "disproportionality", "assurance", "benchmarking", "annual", "intake", "scrutiny",
           "statutory")
RUNNERS = ("pipeline", "session", "cli")


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The modules of ours that ``name`` imports (a name imported from a package counts as its module
    when there is one, else as the package)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "cscp_analysis"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "cscp_analysis":
                continue
            for a in node.names:
                sub = f"{target}.{a.name}"
                out.add(sub if sub in MODULES else target)
    out.discard(name)
    return {m for m in out if m in MODULES}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _offences(sources: tuple[str, ...], forbidden) -> list[str]:
    bad = []
    for module, imported in sorted(GRAPH.items()):
        if _layer(module) not in sources:
            continue
        for target in sorted(imported):
            if forbidden(_layer(target)):
                bad.append(f"{module} imports {target}")
    return bad


def test_the_graph_was_read():
    assert "cscp_analysis.stats.intervals" in GRAPH and "cscp_analysis.scorecard.compute" in GRAPH
    assert "cscp_analysis.stats.intervals" in GRAPH["cscp_analysis.scorecard.compute"]


def test_stats_imports_nothing_of_ours():
    assert _offences(("stats",), lambda layer: layer != "stats") == []


def test_charts_draw_what_they_are_given():
    forbidden = set(DOMAINS) | set(RUNNERS) | {"returns", "evidence"}
    assert _offences(("charts",), lambda layer: layer in forbidden) == []


def test_domains_never_import_the_runners():
    assert _offences(DOMAINS, lambda layer: layer in RUNNERS) == []


def test_the_section_contract_is_data_only():
    assert GRAPH["cscp_analysis.sections"] <= {"cscp_analysis.narrative"}


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return out


# The one loop allowed: the validation-rule registry loads its rule modules, each of which registers its
# rules with the registry's decorator (the pattern of csc-validator-be-cin; docs/architecture.md).
ALLOWED_CYCLES = [{"cscp_analysis.returns.registry"} | {f"cscp_analysis.returns.rules_{k}" for k in
                                                      ("csc", "files", "generic", "partner", "registers")}]


def test_no_import_cycles():
    # a package's __init__ re-exporting its own modules is not a cycle of meaning: leave those edges out
    cycles = [c for c in _cycles()
              if not all(m.startswith(min(c, key=len) + ".") or m == min(c, key=len) for m in c)]
    assert [c for c in cycles if set(c) not in ALLOWED_CYCLES] == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_too_long_to_read(module):
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= 800, f"{module} has {lines} lines: split it by concern"
