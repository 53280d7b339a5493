"""Run the notebooks of a quarter (or of the annual book) into an evidence pack.

The pipeline computes no statistic itself. It

1. validates the returns once (``cscp_analysis.returns``) and writes the validation report, the
   reconciliation and any rejected rows into the pack;
2. executes each notebook with papermill (kernel named explicitly, working directory set to
   ``notebooks/``), passing only scalar parameters; two notebooks at a time by default;
3. renders each executed notebook to HTML in-process with nbconvert, code and parameter cells hidden;
4. writes ``index.html``, ``manifest.json`` and ``checksums.sha256``;
5. builds everything in a private staging folder and moves it into place only when complete
   (:mod:`cscp_analysis.run_safety`: a lock per output folder and period, staging outside the output
   folder, the returns cache readable by the run's user only, clean-up on errors and on SIGINT,
   SIGTERM and SIGHUP, leftovers of stopped runs removed by the next). An existing pack is never
   replaced without ``force``, and ``force`` replaces only an evidence pack; a failed run leaves the
   earlier pack untouched and keeps the failing notebook in ``<out>/_failed/<period>/`` (readable by
   the run's user only) for inspection.

Every path (data, output, configuration, notebooks) is made absolute once, before anything runs:
papermill runs each notebook with ``notebooks/`` as its working folder, where a relative path would
mean something else. The output folder may not be, contain or lie inside the data folder.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from . import evidence
from .config import PROJECT_ROOT
from .run_safety import Interrupted, RunError, RunGuard, check_separate, private_copy, replaceable

__all__ = [
    "KERNEL_NAME",
    "NOTEBOOK_DIR",
    "QUARTERLY_NOTEBOOKS",
    "ANNUAL_NOTEBOOKS",
    "RunError",
    "RunResult",
    "Interrupted",
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
# Longest first, so that each worker takes the next when it is free: with warm kernels (demo, 2 cores:
# 02 12.1 s, 04 9.4 s, 03 7.2 s, 06 5.4 s, 01 2.2 s) one worker runs 02 and 06, the other 04, 03 and 01,
# about 18 s each.
QUARTERLY_NOTEBOOKS: list[tuple[int, str]] = [
    (1, "02_performance_scorecard"),
    (1, "04_quality_assurance"),
    (1, "03_disproportionality"),
    (1, "06_benchmarking"),
    (1, "01_data_returns"),
    (2, "05_scrutiny_summary"),
]
ANNUAL_NOTEBOOKS: list[tuple[int, str]] = [(1, "annual_report")]

HIDDEN_TAGS = {"parameters", "injected-parameters", "remove-cell", "validate-parameters"}


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
             notebook_dir: Path, kernels=None) -> float:
    """Execute one notebook into the staging folder and render its reader page; its seconds.

    ``kernels`` (a :class:`~cscp_analysis.kernels.KernelPool`) lends it a warm kernel; without one,
    papermill starts a kernel of its own."""
    import papermill as pm
    from nbclient.exceptions import DeadKernelError

    from .disclosure import BOARD, BOARD_MARKING

    src = notebook_dir / f"{nb_name}.ipynb"
    dst = staging / "notebooks" / f"{nb_name}.ipynb"
    dst.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    with (kernels.lend() if kernels is not None else nullcontext()) as km:
        try:
            pm.execute_notebook(
                str(src), str(dst), parameters={**params, "notebook": nb_name}, kernel_name=kernel,
                cwd=str(notebook_dir), progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                **({"km": km} if km is not None else {}),
            )
        except pm.PapermillExecutionError as exc:
            kept = failed_dir / f"{nb_name}.ipynb"
            if dst.exists():
                private_copy(dst, kept)
            raise RunError(
                f"notebook {nb_name} failed at cell {exc.cell_index} (execution count {exc.exec_count}): "
                f"{exc.ename}: {exc.evalue}\nThe executed notebook is kept for inspection: {kept}"
            ) from None
        except DeadKernelError:
            raise RunError(f"notebook {nb_name} stopped: its Python kernel ended while running it (the machine may "
                           "have run out of memory)") from None
    render_html(dst, staging / "html" / f"{nb_name}.html",
                BOARD_MARKING if params.get("audience") == BOARD else None)
    return time.perf_counter() - t0


_EXPORTERS = threading.local()  # one per thread: notebooks are rendered by the threads that ran them


def _exporter():
    if getattr(_EXPORTERS, "exporter", None) is None:
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
        _EXPORTERS.exporter = exporter
    return _EXPORTERS.exporter


def render_html(notebook_path: str | Path, html_path: str | Path, marking: str | None = None) -> Path:
    """Render an executed notebook for readers: no code, no parameter cells, no CDN scripts needed;
    ``marking`` (the board's pack) is printed at the top of the page."""
    import re

    import nbformat

    from .index_page import marking_banner

    nb = nbformat.read(str(notebook_path), as_version=4)
    body, _ = _exporter().from_notebook_node(nb)
    body = _strip_remote_scripts(body)
    if marking:
        banner = (f"<header style='margin:0;padding:16px 28px 0;font-family:Arial,sans-serif'>"
                  f"{marking_banner(marking)}</header>")
        body = re.sub(r"(<body\b[^>]*>)", lambda m: m.group(1) + banner, body, count=1)
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


def kernels_needed(notebooks: list[tuple[int, str]], jobs: int) -> int:
    """How many warm kernels a run of ``notebooks`` uses: one per worker, no more than its widest stage runs."""
    return max(1, min(jobs, max((sum(1 for s, _ in notebooks if s == stage) for stage in {s for s, _ in notebooks}),
                                default=1)))


def _available(notebooks: list[tuple[int, str]], notebook_dir: Path) -> list[tuple[int, str]]:
    return [(s, n) for s, n in notebooks if (notebook_dir / f"{n}.ipynb").exists()]


def _stop_until_done(futures, stop_kernels: Callable[[], object], timeout: float = 60.0) -> None:
    """Stop the run's kernels, again and again, until the threads running notebooks have ended.

    A kernel still starting when the run was interrupted is caught by a later round; a notebook
    whose kernel has gone ends within seconds. Futures cancelled before they started never run.
    """
    running = [f for f in futures if not f.cancelled()]
    deadline = time.monotonic() + timeout
    while True:
        stop_kernels()
        done, pending = wait_futures(running, timeout=1.0)
        if not pending or time.monotonic() > deadline:
            return
        running = list(pending)


def _papermill_forgets_folders() -> None:
    """Clear the working folder papermill's file handler keeps for the whole process (``local_file_io_cwd``).

    Each notebook sets it to the process's working folder on entry and restores the previous one on exit;
    two notebooks in threads can restore in the wrong order and leave it naming a notebook folder, and a
    later run in the same process then fails to write, once that folder is deleted. Our paths are absolute,
    so the handler needs no folder."""
    from papermill.exceptions import PapermillException
    from papermill.iorw import papermill_io

    try:
        papermill_io.get_handler("local").cwd(None)
    except (PapermillException, AttributeError):
        pass


def _keeps_cwd(fn):
    """Restore the caller's working folder afterwards: papermill changes the process's working folder around
    each notebook it runs (its ``cwd``), and two notebooks run at once in threads can leave the process in the
    other's folder, which a later step (or a benchmark's next run) then finds deleted. Its file handler's
    folder is cleared likewise (:func:`_papermill_forgets_folders`)."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        cwd = os.getcwd()
        _papermill_forgets_folders()
        try:
            return fn(*args, **kwargs)
        finally:
            os.chdir(cwd)
            _papermill_forgets_folders()
    return wrapper


@_keeps_cwd
def _run_notebooks(notebooks, params, staging, failed_dir, kernel, jobs, progress, notebook_dir,
                   stop_kernels: Callable[[], object] = lambda: None, kernels=None):
    """Execute the notebooks stage by stage (``jobs`` at a time), each rendered to HTML as it ends;
    ``kernels`` (a :class:`~cscp_analysis.kernels.KernelPool`) lends them warm kernels.

    When the run is interrupted (Ctrl-C, or SIGTERM/SIGHUP turned into :class:`Interrupted`) or fails
    in this process, the kernels are stopped first (``stop_kernels``) and the worker threads then
    waited for briefly, so that no kernel is left writing into a staging folder about to be deleted.
    """
    timings: dict[str, float] = {}
    for stage in sorted({s for s, _ in notebooks}):
        names = [n for s, n in notebooks if s == stage]
        _say(progress, f"  running {', '.join(names)}")
        if jobs > 1 and len(names) > 1:
            pool = ThreadPoolExecutor(max_workers=jobs)
            futures = {n: pool.submit(_execute, n, params, staging, failed_dir, kernel, notebook_dir, kernels)
                       for n in names}
            try:
                errors = []
                for n, f in futures.items():
                    try:
                        timings[n] = f.result()
                        _say(progress, f"  ✓ {n} ({timings[n]:.1f} s)")
                    except RunError as exc:
                        errors.append(str(exc))
                if errors:
                    raise RunError("\n".join(errors))
            except BaseException as exc:
                pool.shutdown(wait=False, cancel_futures=True)
                if not isinstance(exc, RunError):
                    _stop_until_done(list(futures.values()), stop_kernels)
                raise
            pool.shutdown(wait=True)
        else:
            for n in names:
                try:
                    timings[n] = _execute(n, params, staging, failed_dir, kernel, notebook_dir, kernels)
                except RunError:
                    raise
                except BaseException:
                    stop_kernels()
                    raise
                _say(progress, f"  ✓ {n} ({timings[n]:.1f} s)")
    return timings


def _prepare_destination(out_dir: Path, name: str, force: bool, progress=None) -> Path:
    """``<out>/<name>``, checked: new, or an evidence pack that ``force`` may replace (it says so)."""
    dest = out_dir / name
    replaceable(dest, force, progress)
    return dest


def _finalise(staging: Path, *, kind: str, parameters: dict, returns, started: str, title: str,
              subtitle: str, periods, pdfs: list[str] = (), printed: Callable[[], None] = lambda: None) -> None:
    """Check the staged pack (privacy scan, intruder audit), write its index (linking ``pdfs``, still
    printing), then, once they are printed (``printed`` waits for them), its manifest and checksums."""
    from .index_page import write_index
    from .privacy import scan_pack

    catalogue = evidence.read_catalogue(staging)
    problems = scan_pack(staging, returns.tables, returns.config.suppression_threshold, catalogue, periods,
                         audience=parameters.get("audience", "public"))
    if problems:
        listed = "\n".join(f"  {p}" for p in problems[:20])
        raise RunError(f"privacy scan failed: the pack would disclose child-level data, so it was not published\n{listed}")
    audit = _intruder_audit(staging)
    from .disclosure import BOARD, BOARD_MARKING

    write_index(staging, catalogue, title=title, subtitle=subtitle,
                marking=BOARD_MARKING if parameters.get("audience") == BOARD else None, pdfs=pdfs)
    shutil.rmtree(staging / evidence.CATALOGUE_DIR, ignore_errors=True)
    printed()
    manifest = evidence.build_manifest(staging, kind=kind, parameters=parameters, inputs=returns.inputs, started=started,
                                       finished=_now(), project_root=PROJECT_ROOT, catalogue=catalogue,
                                       **_settings_read(parameters))
    manifest["disclosure_audit"] = audit
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    evidence.write_checksums(staging)


def _intruder_audit(staging: Path) -> dict:
    """The intruder audit of the staged pack (``docs/disclosure.md``): every declared table read from the
    catalogue with the true counts it carries; a suppressed figure that the pack's tables together narrow
    too far, or published figures that contradict each other or a declared relation, fail the run, naming
    the figures and the tables that pin them. Writes ``disclosure_audit.txt`` (the report, without true
    values or times, so the same inputs give the same bytes) and ``disclosure_audit.json`` (the
    declarations, without true values, for ``cscp audit-disclosure``); returns the manifest's summary."""
    from .disclosure_audit import AuditError, audit_pack, save_declarations

    try:
        report = audit_pack(staging)
    except (AuditError, ValueError) as exc:
        raise RunError(f"intruder audit failed: a published table or its declaration cannot be read, so the pack "
                       f"was not published\n  {exc}") from None
    if not report.ok:
        raise RunError(f"intruder audit failed: {len(report.failures):,} suppressed figure(s) can be worked out too "
                       f"closely by combining the pack's tables, or the published figures contradict each other, so the "
                       f"pack was not published\n{report.format(limit=20)}")
    text = report.format(limit=1000)
    (staging / "disclosure_audit.txt").write_text(text + "\n", encoding="utf-8")
    save_declarations(staging)
    return report.summary()


#: The reader pages also printed as tagged PDF (A4, PDF/UA): the scrutiny summary and the annual book.
PDF_PAGES = {"05_scrutiny_summary": "scrutiny_summary.pdf", "annual_report": "annual_report.pdf"}


def _pdf_jobs(staging: Path, period: str, audience: str | None, title: str) -> list[dict]:
    """What to print: each reader page of :data:`PDF_PAGES` the pack has, its PDF, title, date and marking."""
    from .disclosure import BOARD, BOARD_MARKING
    from .index_page import REPORT_TITLES
    from .pdf import svg_key
    from .periods import parse_period

    prints = {svg_key(svg.read_bytes()): str(svg.with_suffix(".png"))  # figures saved for print (the annual book)
              for svg in sorted((staging / "figures").glob("*.svg")) if svg.with_suffix(".png").exists()}
    return [{"html": str(staging / "html" / f"{page}.html"), "pdf": str(staging / pdf),
             "title": f"{title}: {REPORT_TITLES.get(page, page)}", "created": parse_period(period).end.isoformat(),
             "marking": BOARD_MARKING if audience == BOARD else None, "prints": prints}
            for page, pdf in PDF_PAGES.items() if (staging / "html" / f"{page}.html").exists()]


#: The printer: a separate Python process, so that the pages print on one core while the run checks and
#: indexes the pack on the other (WeasyPrint takes 2 s for the scrutiny summary, 35 s for the annual book).
_PRINT = """
import datetime as dt, json, sys
from pathlib import Path
from cscp_analysis.pdf import html_to_pdf
for job in json.loads(sys.argv[1]):
    html_to_pdf(Path(job["html"]), job["pdf"], title=job["title"], created=dt.date.fromisoformat(job["created"]),
                marking=job["marking"], prints={k: Path(v) for k, v in job["prints"].items()})
"""


@contextmanager
def _printing_pdfs(staging: Path, period: str, audience: str | None, title: str,
                   progress) -> Iterator[tuple[list[str], Callable[[], None]]]:
    """Print the scrutiny summary (and the annual book) to tagged PDF beside ``index.html``, in the
    background; yields the names of the PDFs and the function that waits for them to be printed. The
    creation date is the period's end, so the same inputs give the same bytes; the board's copy
    carries its marking. A run that fails meanwhile stops the printer."""
    import subprocess

    jobs = _pdf_jobs(staging, period, audience, title)
    for job in jobs:
        _say(progress, f"  printing {Path(job['pdf']).name}")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[1]),
                                                                     os.environ.get("PYTHONPATH")]))}
    printer = subprocess.Popen([sys.executable, "-c", _PRINT, json.dumps(jobs)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, env=env, text=True) if jobs else None

    def finished() -> None:
        if printer is not None:
            _, err = printer.communicate()
            if printer.returncode != 0:
                last = [line for line in (err or "").splitlines() if line.strip()][-1:] or ["no message"]
                raise RunError(f"printing the PDF failed, so the pack was not published: {last[0]}")

    try:
        yield [Path(job["pdf"]).name for job in jobs], finished
    finally:
        if printer is not None and printer.poll() is None:  # the run failed before waiting for it
            printer.kill()
            printer.wait()


def _write_column_labels(staging: Path) -> Path:
    """``tables/column_labels.csv``: every column of the pack's tables and its heading in words (the data
    dictionary a reader of the CSV files needs; the pages show the headings)."""
    import pandas as pd

    from .labels import dictionary

    columns = set()
    for csv in sorted((staging / "tables").glob("*.csv")):
        try:
            columns.update(pd.read_csv(csv, nrows=0, encoding="utf-8").columns)
        except pd.errors.EmptyDataError:  # a table with no columns at all
            continue
    path = staging / "tables" / "column_labels.csv"
    path.write_bytes(evidence.deterministic_csv(dictionary(columns)))
    return path


def _check_settings(config_dir: Path, config) -> None:
    """Read every configuration file before any notebook runs, so that a mistake in indicators.yaml or
    benchmark_measures.yaml stops the run at once with its message (file, indicator, field), not after
    minutes inside a notebook."""
    from .benchmarking.measures import MEASURES_FILE, load_measures
    from .scorecard.registry import load_indicators

    load_indicators(config_dir, config)
    own = Path(config_dir) / "benchmark_measures.yaml"
    load_measures(own if own.exists() else MEASURES_FILE)


def _settings_read(parameters: dict) -> dict:
    """The configuration files and the published reference data a run read, with checksums (for the manifest)."""
    from .reference import DEFAULT_REFERENCE_DIR

    return {"configuration": evidence.file_records(_abs(parameters["config_dir"]), ("*.yaml", "*.yml")),
            "reference": evidence.file_records(DEFAULT_REFERENCE_DIR)}


def _check_audience(audience: str) -> None:
    from .disclosure import AUDIENCES

    if audience not in AUDIENCES:
        raise RunError(f"audience must be one of {', '.join(AUDIENCES)}, not {audience!r}")


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
           started: str, title: str, subtitle: str, periods, guard: RunGuard, force: bool) -> dict[str, float]:
    """Validate the returns, run the notebooks into the guard's staging folder, finalise it and publish it.

    Shared by :func:`run_quarter` and :func:`run_annual`. The staging folder is private and outside
    the output folder; it becomes ``dest`` only when complete, and the guard deletes it (and the
    returns cache) however the run ends, so a half-written pack never looks complete and an earlier
    pack is never touched (a failed notebook is kept in ``<out>/_failed/<name>/`` for inspection).
    ``parameters`` tell this run apart (the period, or the year): the notebooks receive them and the
    manifest records them. Returns each notebook's time.
    """
    from . import returns as R
    from . import session
    from .kernels import KernelPool

    staging = guard.pack
    failed_dir = out_dir / "_failed" / name
    cache = guard.cache  # created empty with mode 0600 inside the private staging folder
    try:
        # the kernels start (and import the library) while the returns are validated
        with _run_cache(guard.root / "run-cache"), \
                KernelPool(kernel, kernels_needed(notebooks, jobs), notebook_dir) as kernels:
            _say(progress, "  validating returns")
            returns = R.load_returns(data_dir, period, config, progress=_later(progress))
            R.write_quarantine(returns, staging)
            if getattr(returns, "fatal", None):
                raise RunError(f"the returns cannot be used: {returns.fatal}\n{returns.report.format()}")
            session.save_cache(returns, cache)
            params = {"period": period, **parameters, "data_dir": str(data_dir), "output_dir": str(staging),
                      "config_dir": str(config_dir), "returns_cache": str(cache)}
            timings = _run_notebooks(notebooks, params, staging, failed_dir, kernel, jobs, progress, notebook_dir,
                                     stop_kernels=guard.stop_kernels, kernels=kernels)
    finally:
        cache.unlink(missing_ok=True)
    recorded = {**parameters, "data_dir": _rel(data_dir), "config_dir": _rel(config_dir),
                "notebooks": [n for _, n in notebooks]}
    with _printing_pdfs(staging, period, parameters.get("audience"), title, progress) as (pdfs, printed):
        _write_column_labels(staging)
        _finalise(staging, kind=kind, parameters=recorded, returns=returns, started=started,
                  title=title, subtitle=subtitle, periods=periods, pdfs=pdfs, printed=printed)
    guard.publish(dest, force)
    if failed_dir.exists():  # a notebook kept from an earlier failed run no longer describes the pack
        shutil.rmtree(failed_dir, ignore_errors=True)
        if failed_dir.parent.exists() and not any(failed_dir.parent.iterdir()):
            failed_dir.parent.rmdir()
    return timings


@contextmanager
def _run_cache(folder: Path) -> Iterator[None]:
    """Name the run's shared cache folder for its kernels (``CSCP_RUN_CACHE``, read by
    ``benchmarking.compute``): inside the private staging folder, so it goes when the run ends."""
    from .benchmarking.compute import RUN_CACHE_ENV

    before = os.environ.get(RUN_CACHE_ENV)
    os.environ[RUN_CACHE_ENV] = str(folder)  # kernels started now inherit it
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(RUN_CACHE_ENV, None)
        else:
            os.environ[RUN_CACHE_ENV] = before


def _later(progress: Callable[[str], None] | None, after: float = 10.0) -> Callable[[str], None] | None:
    """``progress`` for the steps of validation, silent for the first ``after`` seconds (a quick one says nothing)."""
    if progress is None:
        return None
    t0 = time.perf_counter()

    def say(msg: str) -> None:
        elapsed = time.perf_counter() - t0
        if elapsed >= after:
            progress(f"    {msg} ({elapsed:.0f} s)")

    return say


def _absolute(path: str | Path | None, default: Path) -> Path:
    """A path made absolute once, against the current folder (never against ``notebooks/``)."""
    return Path(path if path not in (None, "") else default).expanduser().resolve()


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
    audience: str = "board",
) -> RunResult:
    """Validate the period's returns, execute every quarterly notebook and write ``<out>/<period>/``.

    ``audience`` is ``board`` (the partnership's internal pack, the default) or ``public``
    (``docs/disclosure.md``); the manifest records it."""
    from . import returns as R
    from .config import CONFIG_DIR, load_partnership
    from .periods import parse_period, period_range

    t0 = time.perf_counter()
    started = _now()
    data_dir = _absolute(data_dir, DEFAULT_DATA)
    out_dir = _absolute(out_dir, DEFAULT_OUT)
    config_dir = _absolute(config_dir, CONFIG_DIR)
    notebook_dir = _absolute(notebook_dir, NOTEBOOK_DIR)
    if not data_dir.is_dir():
        raise RunError(f"data folder {data_dir} does not exist")
    check_separate(data_dir, out_dir)
    label = str(parse_period(period)) if period else str(R.latest_period(data_dir))
    config = load_partnership(config_dir)
    _check_settings(config_dir, config)
    notebooks = _available(notebooks or QUARTERLY_NOTEBOOKS, notebook_dir)
    if not notebooks:
        raise RunError(f"no quarterly notebooks found in {notebook_dir}")
    _check_audience(audience)
    with RunGuard(out_dir, label, progress, command=f"cscp run --period {label}") as guard:
        dest = _prepare_destination(out_dir, label, force, progress)
        kernel = ensure_kernel()
        _say(progress, f"cscp run {label}: data {data_dir}, pack {dest}")
        timings = _build(name=label, kind="quarter", period=label, parameters={"period": label, "audience": audience},
                         data_dir=data_dir,
                         out_dir=out_dir, dest=dest, config=config, config_dir=config_dir, notebooks=notebooks,
                         notebook_dir=notebook_dir, kernel=kernel, jobs=jobs, progress=progress, started=started,
                         title=f"{config.name}: evidence pack {label}",
                         subtitle="Quarterly evidence for the partnership and its Independent Scrutineer",
                         periods=period_range(config.first_period, label), guard=guard, force=force)
    seconds = time.perf_counter() - t0
    _say(progress, f"pack complete: {dest} ({seconds:.1f} s)")
    return RunResult(dest, seconds, [n for _, n in notebooks], timings)


def run_annual(year: str, data_dir=None, out_dir=None, *, force=False, jobs=2, config_dir=None, progress=print,
               notebook_dir=None, audience: str = "public") -> RunResult:
    """The annual-report figure book for a financial year (``2025-26``), into ``<out>/annual-<year>/``.
    Public by default: the annual report is published."""
    from .config import CONFIG_DIR, load_partnership
    from .periods import parse_year, period_range

    t0 = time.perf_counter()
    started = _now()
    fy = parse_year(year)
    data_dir = _absolute(data_dir, DEFAULT_DATA)
    out_dir = _absolute(out_dir, DEFAULT_OUT)
    config_dir = _absolute(config_dir, CONFIG_DIR)
    notebook_dir = _absolute(notebook_dir, NOTEBOOK_DIR)
    config = load_partnership(config_dir)
    _check_settings(config_dir, config)
    last = fy.quarters()[-1]
    if not (data_dir / str(last)).is_dir():
        raise RunError(f"the annual book for {fy} needs the returns of {last}, which are not in {data_dir}")
    check_separate(data_dir, out_dir)
    name = f"annual-{fy.label}"
    notebooks = _available(ANNUAL_NOTEBOOKS, notebook_dir)
    if not notebooks:
        raise RunError(f"no annual notebook found in {notebook_dir}")
    _check_audience(audience)
    with RunGuard(out_dir, name, progress, command=f"cscp annual --year {fy.label}") as guard:
        dest = _prepare_destination(out_dir, name, force, progress)
        kernel = ensure_kernel()
        _say(progress, f"cscp annual {fy}: data {data_dir}, book {dest}")
        timings = _build(name=name, kind="annual", period=str(last), parameters={"year": fy.label, "audience": audience},
                         data_dir=data_dir,
                         out_dir=out_dir, dest=dest, config=config, config_dir=config_dir, notebooks=notebooks,
                         notebook_dir=notebook_dir, kernel=kernel, jobs=jobs, progress=progress, started=started,
                         title=f"{config.name}: annual report figure book {fy}",
                         subtitle="Every figure and table of the annual report, numbered, with alt text and data",
                         periods=period_range(config.first_period, last), guard=guard, force=force)
    seconds = time.perf_counter() - t0
    _say(progress, f"book complete: {dest} ({seconds:.1f} s)")
    return RunResult(dest, seconds, [n for _, n in notebooks], timings)


# --- verify --------------------------------------------------------------------------------------


@dataclass
class VerifyResult:
    ok: bool
    problems: list[str]
    compared: int


def _files_in(folder: Path) -> set[str]:
    """Every file (and symbolic link) under ``folder``, hidden ones included, as POSIX paths relative to it."""
    out = set()
    for root, dirs, files in os.walk(folder):  # does not follow symbolic links to folders
        here = Path(root)
        for name in files + [d for d in dirs if (here / d).is_symlink()]:
            out.add((here / name).relative_to(folder).as_posix())
    return out


def verify_pack(pack_dir: str | Path, progress: Callable[[str], None] | None = print,
                jobs: int = 2) -> VerifyResult:
    """Re-run a pack from its manifest into a temporary folder and compare every table and figure.

    Also checks the pack against its own ``checksums.sha256`` (a file missing, changed, or present
    but not listed, such as a table added afterwards) and the inputs against the manifest, so a
    tampered or added table, or a changed input, is named.
    """
    pack_dir = Path(pack_dir)
    manifest_path = pack_dir / "manifest.json"
    if not manifest_path.exists():
        return VerifyResult(False, [f"{manifest_path} not found: is {pack_dir} an evidence pack?"], 0)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    problems: list[str] = []

    # 1. the pack against its own checksums: every listed file present and unchanged, nothing else added
    sums_path = pack_dir / "checksums.sha256"
    if sums_path.exists():
        listed = evidence.read_checksums(sums_path)
        for rel, digest in listed.items():
            f = pack_dir / rel
            if not f.exists():
                problems.append(f"{rel}: listed in checksums.sha256 but missing from the pack")
            elif evidence.sha256_file(f) != digest:
                problems.append(f"{rel}: changed since the pack was written (checksum differs from checksums.sha256)")
        for rel in sorted(_files_in(pack_dir) - set(listed) - {"checksums.sha256"}):
            problems.append(f"{rel}: in the pack but not listed in checksums.sha256 (added after the pack was written)")
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
    from .reference import DEFAULT_REFERENCE_DIR

    for key, folder, what in (("configuration", _abs(params["config_dir"]), "configuration file"),
                              ("reference", DEFAULT_REFERENCE_DIR, "reference file")):
        for item in manifest.get(key, []):
            f = folder / item["path"]
            if not f.exists():
                problems.append(f"{what} {item['path']}: missing from {folder}")
            elif evidence.sha256_file(f) != item["sha256"]:
                problems.append(f"{what} {item['path']}: changed since the pack was made")

    # 3. re-run and compare tables and figures
    recorded = {o["path"]: o["sha256"] for o in manifest["outputs"]
                if o["path"].startswith(("tables/", "figures/"))}
    with tempfile.TemporaryDirectory(prefix="cscp-verify-") as tmp:
        _say(progress, f"re-running {pack_dir.name} into {tmp}")
        if manifest["kind"] == "annual":
            result = run_annual(params["year"], data_dir, tmp, config_dir=_abs(params["config_dir"]),
                                progress=progress, jobs=jobs, audience=params.get("audience", "public"))
        else:
            nbs = [(s, n) for s, n in QUARTERLY_NOTEBOOKS + ANNUAL_NOTEBOOKS if n in params.get("notebooks", [])]
            result = run_quarter(params["period"], data_dir, tmp, config_dir=_abs(params["config_dir"]),
                                 progress=progress, jobs=jobs, notebooks=nbs or None,
                                 audience=params.get("audience", "board"))
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
