"""Run the notebooks of a quarter (or of the annual book) into an evidence pack.

The pipeline computes no statistic itself. It

1. validates the returns once (``cscp_analysis.returns``) and writes the validation report, the
   reconciliation and any rejected rows into the pack;
2. executes each notebook with papermill (kernel named explicitly, working directory set to
   ``notebooks/``), passing only scalar parameters; two notebooks at a time by default;
3. renders each executed notebook to HTML in-process with nbconvert, code and parameter cells hidden;
4. writes ``index.html``, ``manifest.json`` and ``checksums.sha256``;
5. builds everything in a temporary folder beside the destination and moves it into place only when
   complete. An existing pack is never replaced without ``force``; a failed run leaves the earlier
   pack untouched, removes its temporary folder, and keeps the failing notebook in
   ``<out>/_failed/<period>/`` for inspection.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import evidence
from .config import PROJECT_ROOT
from .errors import CscpError

__all__ = [
    "KERNEL_NAME",
    "NOTEBOOK_DIR",
    "QUARTERLY_NOTEBOOKS",
    "ANNUAL_NOTEBOOKS",
    "RunError",
    "RunResult",
    "run_quarter",
    "run_annual",
    "verify_pack",
    "render_html",
    "ensure_kernel",
]

KERNEL_NAME = "cscp-analysis"
NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
DEFAULT_DATA = PROJECT_ROOT / "data_raw" / "demo"
DEFAULT_OUT = PROJECT_ROOT / "outputs"

# Quarterly notebooks. Notebooks of the same stage may run at the same time, in this order, so that two
# workers finish together; a later stage starts when the earlier one has finished (the scrutiny
# summary reads the others' tables). Readers see them in the index's order, not this one.
# The order packs the measured times (demo, 2 cores: 02 14.5 s, 06 10.7 s, 04 9.3 s, 03 7.7 s,
# 01 4.7 s) into two workers of about 24 s each: one runs 02 then 04, the other 06, 03 and 01.
QUARTERLY_NOTEBOOKS: list[tuple[int, str]] = [
    (1, "02_performance_scorecard"),
    (1, "06_benchmarking"),
    (1, "03_disproportionality"),
    (1, "04_quality_assurance"),
    (1, "01_data_returns"),
    (2, "05_scrutiny_summary"),
]
ANNUAL_NOTEBOOKS: list[tuple[int, str]] = [(1, "annual_report")]

HIDDEN_TAGS = {"parameters", "injected-parameters", "remove-cell", "validate-parameters"}


class RunError(CscpError, RuntimeError):
    """A run that could not complete; the message says what failed and where."""


@dataclass
class RunResult:
    pack: Path
    seconds: float
    notebooks: list[str]
    timings: dict[str, float] = field(default_factory=dict)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _say(progress: Callable[[str], None] | None, msg: str) -> None:
    if progress:
        progress(msg)


# --- kernel --------------------------------------------------------------------------------------


KERNEL_ARGV_EXTRA = ["--IPKernelApp.log_level=CRITICAL"]  # quiet kernels: a failing cell is reported by papermill


def ensure_kernel(name: str = KERNEL_NAME) -> str:
    """Make sure a Jupyter kernel called ``name`` runs this interpreter; (re)install it in the environment if not.

    ``make setup`` calls this too, so the kernel that JupyterLab offers and the one ``cscp run`` uses
    are the same.
    """
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    if name in specs:
        try:
            argv = json.loads((Path(specs[name]) / "kernel.json").read_text())["argv"]
            if Path(argv[0]).resolve() == Path(sys.executable).resolve() and argv[-len(KERNEL_ARGV_EXTRA):] == KERNEL_ARGV_EXTRA:
                return name
        except (OSError, ValueError, KeyError, IndexError):
            pass
    from ipykernel.kernelspec import install

    where = Path(install(kernel_name=name, display_name="Python (cscp-analysis)", prefix=sys.prefix))
    spec_file = where / "kernel.json"
    spec = json.loads(spec_file.read_text())
    spec["argv"] = [sys.executable, *spec["argv"][1:], *KERNEL_ARGV_EXTRA]
    spec_file.write_text(json.dumps(spec, indent=1) + "\n")
    return name


# --- executing and rendering ---------------------------------------------------------------------


def _execute(nb_name: str, params: dict, staging: Path, failed_dir: Path, kernel: str,
             notebook_dir: Path) -> float:
    import papermill as pm

    src = notebook_dir / f"{nb_name}.ipynb"
    dst = staging / "notebooks" / f"{nb_name}.ipynb"
    dst.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    try:
        pm.execute_notebook(
            str(src), str(dst), parameters={**params, "notebook": nb_name}, kernel_name=kernel,
            cwd=str(notebook_dir), progress_bar=False, log_output=False, request_save_on_cell_execute=False,
        )
    except pm.PapermillExecutionError as exc:
        failed_dir.mkdir(parents=True, exist_ok=True)
        kept = failed_dir / f"{nb_name}.ipynb"
        if dst.exists():
            shutil.copyfile(dst, kept)
        raise RunError(
            f"notebook {nb_name} failed at cell {exc.cell_index} (execution count {exc.exec_count}): "
            f"{exc.ename}: {exc.evalue}\nThe executed notebook is kept for inspection: {kept}"
        ) from None
    return time.perf_counter() - t0


_EXPORTER = None


def _exporter():
    global _EXPORTER
    if _EXPORTER is None:
        from nbconvert import HTMLExporter
        from nbconvert.preprocessors import TagRemovePreprocessor
        from traitlets.config import Config

        c = Config()
        c.TagRemovePreprocessor.remove_cell_tags = HIDDEN_TAGS
        c.TagRemovePreprocessor.enabled = True
        c.HTMLExporter.exclude_input = True
        c.HTMLExporter.exclude_input_prompt = True
        c.HTMLExporter.exclude_output_prompt = True
        c.HTMLExporter.embed_images = True
        exporter = HTMLExporter(config=c, template_name="lab")
        exporter.register_preprocessor(TagRemovePreprocessor(config=c), enabled=True)
        _EXPORTER = exporter
    return _EXPORTER


def render_html(notebook_path: str | Path, html_path: str | Path) -> Path:
    """Render an executed notebook for readers: no code, no parameter cells, no CDN scripts needed."""
    import nbformat

    nb = nbformat.read(str(notebook_path), as_version=4)
    body, _ = _exporter().from_notebook_node(nb)
    body = _strip_remote_scripts(body)
    out = Path(html_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, encoding="utf-8")
    return out


def _strip_remote_scripts(html: str) -> str:
    """Remove every script that would fetch from the internet (MathJax, require.js, mermaid from a CDN).

    The reader HTML holds only tables, images and text, so nothing is lost and the pack reads offline.
    """
    import re

    def keep(m: re.Match) -> str:
        return "" if re.search(r"https?://", m.group(0)) else m.group(0)

    return re.sub(r"<script\b[^>]*>.*?</script>", keep, html, flags=re.DOTALL | re.IGNORECASE)


# --- the run -------------------------------------------------------------------------------------


def _available(notebooks: list[tuple[int, str]], notebook_dir: Path) -> list[tuple[int, str]]:
    return [(s, n) for s, n in notebooks if (notebook_dir / f"{n}.ipynb").exists()]


def _run_notebooks(notebooks, params, staging, failed_dir, kernel, jobs, progress, notebook_dir):
    timings: dict[str, float] = {}
    for stage in sorted({s for s, _ in notebooks}):
        names = [n for s, n in notebooks if s == stage]
        _say(progress, f"  running {', '.join(names)}")
        if jobs > 1 and len(names) > 1:
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                futures = {n: pool.submit(_execute, n, params, staging, failed_dir, kernel, notebook_dir)
                           for n in names}
                errors = []
                for n, f in futures.items():
                    try:
                        timings[n] = f.result()
                        _say(progress, f"  ✓ {n} ({timings[n]:.1f} s)")
                    except RunError as exc:
                        errors.append(str(exc))
                if errors:
                    raise RunError("\n".join(errors))
        else:
            for n in names:
                timings[n] = _execute(n, params, staging, failed_dir, kernel, notebook_dir)
                _say(progress, f"  ✓ {n} ({timings[n]:.1f} s)")
    for _, n in notebooks:
        render_html(staging / "notebooks" / f"{n}.ipynb", staging / "html" / f"{n}.html")
    return timings


def _prepare_destination(out_dir: Path, name: str, force: bool) -> Path:
    dest = out_dir / name
    if dest.exists() and not force:
        raise RunError(
            f"{dest} already exists: an earlier pack is never overwritten. "
            "Use --force to replace it, or --out to write somewhere else."
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    return dest


def _move_into_place(staging: Path, dest: Path) -> None:
    if dest.exists():
        old = dest.with_name(f".{dest.name}.replaced")
        if old.exists():
            shutil.rmtree(old)
        os.replace(dest, old)
        os.replace(staging, dest)
        shutil.rmtree(old)
    else:
        os.replace(staging, dest)


def _finalise(staging: Path, *, kind: str, parameters: dict, returns, started: str, title: str,
              subtitle: str, periods) -> None:
    from .index_page import write_index
    from .privacy import scan_pack

    catalogue = evidence.read_catalogue(staging)
    problems = scan_pack(staging, returns.tables, returns.config.suppression_threshold, catalogue, periods)
    if problems:
        listed = "\n".join(f"  {p}" for p in problems[:20])
        raise RunError(f"privacy scan failed: the pack would disclose child-level data, so it was not published\n{listed}")
    write_index(staging, catalogue, title=title, subtitle=subtitle)
    shutil.rmtree(staging / evidence.CATALOGUE_DIR, ignore_errors=True)
    manifest = evidence.build_manifest(staging, kind=kind, parameters=parameters, inputs=returns.inputs, started=started,
                                       finished=_now(), project_root=PROJECT_ROOT, catalogue=catalogue)
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    evidence.write_checksums(staging)


def _rel(path: Path) -> str:
    """Paths in the manifest relative to the project when inside it (so a pack is portable)."""
    try:
        return Path(path).resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(Path(path).resolve())


def _abs(path: str) -> Path:
    p = Path(path)
    return p if p.is_absolute() else PROJECT_ROOT / p


def _build(*, name: str, kind: str, period: str, parameters: dict, data_dir: Path, out_dir: Path, dest: Path,
           config, config_dir: Path, notebooks, notebook_dir: Path, kernel: str, jobs: int, progress,
           started: str, title: str, subtitle: str, periods) -> dict[str, float]:
    """Validate the returns, run the notebooks into a staging folder, finalise it and move it to ``dest``.

    Shared by :func:`run_quarter` and :func:`run_annual`. The staging folder sits beside the
    destination and becomes it only when complete; on any failure it is removed (a failed notebook
    is kept in ``<out>/_failed/<name>/`` for inspection), so a half-written pack never looks complete
    and an earlier pack is never touched. ``parameters`` tell this run apart (the period, or the
    year): the notebooks receive them and the manifest records them. Returns each notebook's time.
    """
    from . import returns as R
    from . import session

    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".partial", dir=out_dir))
    failed_dir = out_dir / "_failed" / name
    try:
        _say(progress, "  validating returns")
        returns = R.load_returns(data_dir, period, config)
        R.write_quarantine(returns, staging)
        if getattr(returns, "fatal", None):
            raise RunError(f"the returns cannot be used: {returns.fatal}\n{returns.report.format()}")
        cache = staging.parent / f"{staging.name}.returns.pkl"
        session.save_cache(returns, cache)
        params = {"period": period, **parameters, "data_dir": str(data_dir.resolve()),
                  "output_dir": str(staging.resolve()), "config_dir": str(config_dir.resolve()),
                  "returns_cache": str(cache)}
        try:
            timings = _run_notebooks(notebooks, params, staging, failed_dir, kernel, jobs, progress, notebook_dir)
        finally:
            cache.unlink(missing_ok=True)
        recorded = {**parameters, "data_dir": _rel(data_dir), "config_dir": _rel(config_dir),
                    "notebooks": [n for _, n in notebooks]}
        _finalise(staging, kind=kind, parameters=recorded, returns=returns, started=started,
                  title=title, subtitle=subtitle, periods=periods)
        _move_into_place(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if failed_dir.exists():  # a notebook kept from an earlier failed run no longer describes the pack
        shutil.rmtree(failed_dir, ignore_errors=True)
    return timings


def run_quarter(
    period: str | None = None,
    data_dir: str | Path | None = None,
    out_dir: str | Path | None = None,
    *,
    force: bool = False,
    jobs: int = 2,
    config_dir: str | Path | None = None,
    progress: Callable[[str], None] | None = print,
    notebook_dir: str | Path | None = None,
    notebooks: list[tuple[int, str]] | None = None,
) -> RunResult:
    """Validate the period's returns, execute every quarterly notebook and write ``<out>/<period>/``."""
    from . import returns as R
    from .config import CONFIG_DIR, load_partnership
    from .periods import parse_period, period_range

    t0 = time.perf_counter()
    started = _now()
    data_dir = Path(data_dir or DEFAULT_DATA)
    out_dir = Path(out_dir or DEFAULT_OUT)
    config_dir = Path(config_dir or CONFIG_DIR)
    notebook_dir = Path(notebook_dir or NOTEBOOK_DIR)
    if not data_dir.is_dir():
        raise RunError(f"data folder {data_dir} does not exist")
    label = str(parse_period(period)) if period else str(R.latest_period(data_dir))
    config = load_partnership(config_dir)
    dest = _prepare_destination(out_dir, label, force)
    notebooks = _available(notebooks or QUARTERLY_NOTEBOOKS, notebook_dir)
    if not notebooks:
        raise RunError(f"no quarterly notebooks found in {notebook_dir}")
    kernel = ensure_kernel()
    _say(progress, f"cscp run {label}: data {data_dir}, pack {dest}")

    timings = _build(name=label, kind="quarter", period=label, parameters={"period": label}, data_dir=data_dir,
                     out_dir=out_dir, dest=dest, config=config, config_dir=config_dir, notebooks=notebooks,
                     notebook_dir=notebook_dir, kernel=kernel, jobs=jobs, progress=progress, started=started,
                     title=f"{config.name}: evidence pack {label}",
                     subtitle="Quarterly evidence for the partnership and its Independent Scrutineer",
                     periods=period_range(config.first_period, label))
    seconds = time.perf_counter() - t0
    _say(progress, f"pack complete: {dest} ({seconds:.1f} s)")
    return RunResult(dest, seconds, [n for _, n in notebooks], timings)


def run_annual(year: str, data_dir=None, out_dir=None, *, force=False, jobs=2, config_dir=None, progress=print,
               notebook_dir=None) -> RunResult:
    """The annual-report figure book for a financial year (``2025-26``), into ``<out>/annual-<year>/``."""
    from .config import CONFIG_DIR, load_partnership
    from .periods import parse_year, period_range

    t0 = time.perf_counter()
    started = _now()
    fy = parse_year(year)
    data_dir = Path(data_dir or DEFAULT_DATA)
    out_dir = Path(out_dir or DEFAULT_OUT)
    config_dir = Path(config_dir or CONFIG_DIR)
    notebook_dir = Path(notebook_dir or NOTEBOOK_DIR)
    config = load_partnership(config_dir)
    last = fy.quarters()[-1]
    if not (data_dir / str(last)).is_dir():
        raise RunError(f"the annual book for {fy} needs the returns of {last}, which are not in {data_dir}")
    name = f"annual-{fy.label}"
    dest = _prepare_destination(out_dir, name, force)
    notebooks = _available(ANNUAL_NOTEBOOKS, notebook_dir)
    if not notebooks:
        raise RunError(f"no annual notebook found in {notebook_dir}")
    kernel = ensure_kernel()
    _say(progress, f"cscp annual {fy}: data {data_dir}, book {dest}")
    timings = _build(name=name, kind="annual", period=str(last), parameters={"year": fy.label}, data_dir=data_dir,
                     out_dir=out_dir, dest=dest, config=config, config_dir=config_dir, notebooks=notebooks,
                     notebook_dir=notebook_dir, kernel=kernel, jobs=jobs, progress=progress, started=started,
                     title=f"{config.name}: annual report figure book {fy}",
                     subtitle="Every figure and table of the annual report, numbered, with alt text and data",
                     periods=period_range(config.first_period, last))
    seconds = time.perf_counter() - t0
    _say(progress, f"book complete: {dest} ({seconds:.1f} s)")
    return RunResult(dest, seconds, [n for _, n in notebooks], timings)


# --- verify --------------------------------------------------------------------------------------


@dataclass
class VerifyResult:
    ok: bool
    problems: list[str]
    compared: int


def verify_pack(pack_dir: str | Path, progress: Callable[[str], None] | None = print,
                jobs: int = 2) -> VerifyResult:
    """Re-run a pack from its manifest into a temporary folder and compare every table and figure.

    Also checks the pack against its own ``checksums.sha256`` and the inputs against the manifest, so
    a tampered table or a changed input is named.
    """
    pack_dir = Path(pack_dir)
    manifest_path = pack_dir / "manifest.json"
    if not manifest_path.exists():
        return VerifyResult(False, [f"{manifest_path} not found: is {pack_dir} an evidence pack?"], 0)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    problems: list[str] = []

    # 1. the pack against its own checksums
    sums_path = pack_dir / "checksums.sha256"
    if sums_path.exists():
        for rel, digest in evidence.read_checksums(sums_path).items():
            f = pack_dir / rel
            if not f.exists():
                problems.append(f"{rel}: listed in checksums.sha256 but missing from the pack")
            elif evidence.sha256_file(f) != digest:
                problems.append(f"{rel}: changed since the pack was written (checksum differs from checksums.sha256)")
    else:
        problems.append("checksums.sha256 is missing")

    # 2. the inputs against the manifest
    params = manifest["parameters"]
    data_dir = _abs(params["data_dir"])
    for item in manifest.get("inputs", []):
        f = data_dir / item["path"]
        if not f.exists():
            problems.append(f"input {item['path']}: missing from {data_dir}")
        elif evidence.sha256_file(f) != item["sha256"]:
            problems.append(f"input {item['path']}: changed since the pack was made")

    # 3. re-run and compare tables and figures
    recorded = {o["path"]: o["sha256"] for o in manifest["outputs"]
                if o["path"].startswith(("tables/", "figures/"))}
    with tempfile.TemporaryDirectory(prefix="cscp-verify-") as tmp:
        _say(progress, f"re-running {pack_dir.name} into {tmp}")
        if manifest["kind"] == "annual":
            result = run_annual(params["year"], data_dir, tmp, config_dir=_abs(params["config_dir"]),
                                progress=progress, jobs=jobs)
        else:
            nbs = [(s, n) for s, n in QUARTERLY_NOTEBOOKS + ANNUAL_NOTEBOOKS if n in params.get("notebooks", [])]
            result = run_quarter(params["period"], data_dir, tmp, config_dir=_abs(params["config_dir"]),
                                 progress=progress, jobs=jobs, notebooks=nbs or None)
        fresh_dir = result.pack
        fresh = {p.relative_to(fresh_dir).as_posix(): evidence.sha256_file(p)
                 for sub in ("tables", "figures") for p in sorted((fresh_dir / sub).glob("*")) if p.is_file()}
    for rel, digest in sorted(recorded.items()):
        actual_file = pack_dir / rel
        if rel not in fresh:
            problems.append(f"{rel}: not produced by the re-run")
        elif fresh[rel] != digest:
            problems.append(f"{rel}: the re-run gives different content (checksum differs from the manifest)")
        elif actual_file.exists() and evidence.sha256_file(actual_file) != digest:
            problems.append(f"{rel}: the file in the pack differs from the re-run")
    for rel in sorted(set(fresh) - set(recorded)):
        problems.append(f"{rel}: produced by the re-run but not in the pack")
    return VerifyResult(not problems, problems, len(recorded))
