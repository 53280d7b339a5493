"""One house style for every chart, and deterministic figure files.

Style: the UK Government Analysis Function colour palettes (accessible categorical palette, with
dark blue for focus and grey for context), sans-serif text readable at A4, axis labels with units,
no 3-D, no pie charts. Every chart function returns a matplotlib ``Figure``; the evidence ``Pack``
saves it with its alt text and the data behind it.

Determinism (docs/architecture.md §3.2): SVGs are written with a fixed ``svg.hashsalt`` and without a date, PNGs
without software or date metadata, so the same figure gives the same bytes on every run.

A value hidden by disclosure control is never drawn as a value: the chart writes its symbol where the
bar or point would be (``[c]`` or ``[s]``, :func:`mark_suppressed`, the same symbols as the tables) and
a note under the chart, above the source line, says what each symbol on it means (:func:`hidden_note`,
in the words of the tables' footnotes; ``finish(note=...)``).

Chart families live in submodules (``charts.spc``, ``charts.benchmark``, ``charts.forest``, ...), all
built on the helpers here.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no screen; figures are files

import matplotlib.pyplot as plt  # noqa: E402

__all__ = [
    "PALETTE",
    "FOCUS",
    "CONTEXT",
    "SUPPRESSED",
    "RAG_COLOURS",
    "apply_style",
    "new_figure",
    "save_figure",
    "finish",
    "mark_suppressed",
    "mark_of",
    "hidden_note",
]

# Analysis Function categorical palette (https://analysisfunction.civilservice.gov.uk/policy-store/
# data-visualisation-colours-in-charts/), in its recommended order.
PALETTE = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
FOCUS = "#12436D"  # dark blue
CONTEXT = "#BFBFBF"  # grey for context series
BENCHMARK = "#F46A25"  # orange line for England or a target
SUPPRESSED = "#707070"
# RAG colours chosen to differ in lightness as well as hue; a RAG is never shown by colour alone.
RAG_COLOURS = {"red": "#C8102E", "amber": "#F0A30A", "green": "#00703C", "grey": "#BFBFBF"}
SPC_COLOURS = {
    "common_cause": "#7B7D7D",
    "special_cause_improvement": "#289DE0",
    "special_cause_concern": "#FAB428",
    "special_cause_neutral_high": "#361475",
    "special_cause_neutral_low": "#361475",
}

_STYLE = {
    "figure.figsize": (7.5, 4.2),
    "figure.dpi": 100,
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#E5E5E5",
    "grid.linewidth": 0.8,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "legend.frameon": False,
    "legend.fontsize": 9,
    "svg.hashsalt": "cscp-analysis",
    "svg.fonttype": "path",
    "path.simplify": True,
}


def apply_style() -> None:
    """Apply the house style to matplotlib's global settings (idempotent)."""
    matplotlib.rcParams.update(_STYLE)


apply_style()


def new_figure(width: float = 7.5, height: float = 4.2, nrows: int = 1, ncols: int = 1, **kw):
    """A figure in the house style; returns ``(fig, ax)`` like ``plt.subplots``."""
    apply_style()
    fig, ax = plt.subplots(nrows, ncols, figsize=(width, height), **kw)
    return fig, ax


_SOURCE_INCHES = 0.2  # the source line's strip at the foot of a figure
_NOTE_LINE_INCHES = 0.14  # one line of a note at 7.5 points, with its leading


def finish(fig, ax=None, *, title: str = "", xlabel: str = "", ylabel: str = "", source: str = "",
           note: str = ""):
    """Titles, axis labels with units, a note (what the symbols on the chart mean) and the source under it.

    The note and the source line sit in a strip at the foot of the figure, laid out in inches, and the
    axes with their labels are fitted above it, so neither overlaps the axis nor each other.
    """
    import textwrap

    if ax is not None:
        if title:
            ax.set_title(title)
        if xlabel:
            ax.set_xlabel(xlabel)
        if ylabel:
            ax.set_ylabel(ylabel)
    height = fig.get_figheight()
    strip = 0.0
    if source:
        fig.text(0.01, 0.005, f"Source: {source}", fontsize=8, color="#505050", ha="left", va="bottom")
        strip = _SOURCE_INCHES
    if note:
        wrapped = textwrap.fill(note, int(fig.get_figwidth() * 16))
        fig.text(0.01, (strip + 0.04) / height, wrapped, fontsize=7.5, color="#505050", ha="left", va="bottom")
        strip += 0.08 + _NOTE_LINE_INCHES * (wrapped.count("\n") + 1)
    fig.tight_layout(rect=(0, strip / height, 1, 1))
    return fig


def mark_of(cell) -> str:
    """The symbol a chart writes for a hidden or missing cell: ``[c]``, ``[s]``, ``[x]`` as in the tables."""
    from ..symbols import symbol

    mark = symbol(cell)
    return mark if isinstance(mark, str) and mark.startswith("[") else "[c]"


def hidden_note(*cells, threshold: int | None = None) -> str:
    """The note under a chart: what each hidden-value symbol marked on it means (``""`` when none is).

    ``cells``: published cells, or columns of them; only hidden ones (``c``, ``[c]``, ``[s]``) count."""
    from ..symbols import footnote

    marks = []
    for c in cells:
        values = list(c) if hasattr(c, "__iter__") and not isinstance(c, str) else [c]
        marks += [mark_of(v) for v in values if isinstance(v, str) and v in ("c", "[c]", "[s]")]
    return footnote(marks, threshold)


def mark_suppressed(ax, x, y=0.0, label: str | None = None, cell=None, **kw):
    """Write the symbol of a hidden cell where its bar or point would be, so a gap is never mistaken for zero.

    ``cell`` is the published cell (its symbol is written: ``[c]`` or ``[s]``); ``label`` overrides it."""
    text = label if label is not None else mark_of(cell if cell is not None else "c")
    ax.annotate(text, (x, y), ha="center", va="bottom", fontsize=9, color=SUPPRESSED,
                fontstyle="italic", **kw)


def save_figure(fig, stem: str | Path, png_dpi: int | None = None) -> list[Path]:
    """Save ``stem.svg`` (and ``stem.png`` at ``png_dpi`` when asked: the print book) deterministically,
    and close the figure. A quarter's pack renders each figure once, as SVG: vector, sharp at any zoom and
    in print, and embedded in the reader pages as it is."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    svg = stem.with_suffix(".svg")
    files = [svg]
    with matplotlib.rc_context({"svg.hashsalt": "cscp-analysis"}):
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
        if png_dpi:
            png = stem.with_suffix(".png")
            fig.savefig(png, format="png", dpi=png_dpi, metadata={"Software": None})
            files.append(png)
    plt.close(fig)
    return files
