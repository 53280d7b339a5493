"""The ``cscp`` command (docs/architecture.md §3.1).

    cscp run [--period 2026-27-Q2] [--data DIR] [--out DIR] [--force]
    cscp validate [--period P] [--data DIR]
    cscp verify DIR
    cscp annual --year 2025-26 [--data DIR] [--out DIR] [--force]
    cscp benchmark --la CODE --year YYYY [--out FILE]
    cscp demo-data --out DIR [--children N] [--seed S] [--force] [--format cin-census|ssda903|annex-a]
    cscp templates --out DIR
    cscp import cin-census FILE.xml | ssda903 FILE... | annex-a FILE.xlsx --out DIR [--force]

Every command returns 0 on success and a non-zero code with a one-paragraph message otherwise;
expected failures (a wrong period, a missing folder, an existing pack) never print a traceback.
"""

from __future__ import annotations

import argparse
import sys

from . import __version__

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _err(msg: str) -> None:
    print(f"cscp: {msg}", file=sys.stderr)


def _cmd_run(a) -> int:
    from .pipeline import run_quarter

    run_quarter(a.period, a.data, a.out, force=a.force, jobs=a.jobs, config_dir=a.config)
    return EXIT_OK


def _cmd_annual(a) -> int:
    from .pipeline import run_annual

    run_annual(a.year, a.data, a.out, force=a.force, jobs=a.jobs, config_dir=a.config)
    return EXIT_OK


def _cmd_validate(a) -> int:
    from .config import load_partnership
    from .returns import validate_main

    return validate_main(period=a.period, data_dir=a.data, config=load_partnership(a.config))


def _cmd_verify(a) -> int:
    from .pipeline import verify_pack

    result = verify_pack(a.dir, jobs=a.jobs)
    if result.ok:
        print(f"verified: {result.compared} tables and figures identical to the manifest")
        return EXIT_OK
    print(f"NOT verified: {len(result.problems)} problem(s)")
    for p in result.problems:
        print(f"  {p}")
    return EXIT_PROBLEMS


def _cmd_benchmark(a) -> int:
    from .benchmarking import run_benchmark

    return run_benchmark(a.la, a.year, out=a.out, reference_dir=a.reference)


def _cmd_demo(a) -> int:
    from .synthetic import main as demo_main

    argv = ["--out", a.out, "--children", str(a.children), "--seed", str(a.seed)]
    if a.force:
        argv.append("--force")
    for f in a.format or []:
        argv += ["--format", f]
    return demo_main(argv)


def _cmd_templates(a) -> int:
    from .returns import write_templates

    written = write_templates(a.out)
    print(f"templates written to {a.out} ({len(written)} files)")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    from .pipeline import DEFAULT_DATA, DEFAULT_OUT

    p = argparse.ArgumentParser(prog="cscp", description="Safeguarding partnership analysis: evidence packs from partners' returns.")
    p.add_argument("--version", action="version", version=f"cscp-analysis {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def common(sp, out=True):
        sp.add_argument("--data", default=str(DEFAULT_DATA), help="the partnership's data folder (default: the demo)")
        sp.add_argument("--config", default=None, help="folder holding partnership.yaml and indicators.yaml (default: config/)")
        if out:
            sp.add_argument("--out", default=str(DEFAULT_OUT), help="where packs are written (default: outputs/)")
            sp.add_argument("--force", action="store_true", help="replace an existing pack")
            sp.add_argument("--jobs", type=int, default=2, help="notebooks run at the same time (default 2)")

    r = sub.add_parser("run", help="validate a quarter's returns and build its evidence pack")
    r.add_argument("--period", default=None, help="quarter YYYY-YY-Qn (default: the latest in the data)")
    common(r)
    r.set_defaults(func=_cmd_run)

    v = sub.add_parser("validate", help="check a quarter's returns; exit 1 if any error")
    v.add_argument("--period", default=None, help="quarter YYYY-YY-Qn (default: the latest in the data)")
    common(v, out=False)
    v.set_defaults(func=_cmd_validate)

    ve = sub.add_parser("verify", help="re-run a pack from its manifest and compare every table and figure")
    ve.add_argument("dir", help="the pack folder, e.g. outputs/2026-27-Q2")
    ve.add_argument("--jobs", type=int, default=2)
    ve.set_defaults(func=_cmd_verify)

    an = sub.add_parser("annual", help="the annual-report figure book for a financial year")
    an.add_argument("--year", required=True, help="financial year YYYY-YY, e.g. 2025-26")
    common(an)
    an.set_defaults(func=_cmd_annual)

    b = sub.add_parser("benchmark", help="published DfE measures for any English authority, its region, England and neighbours")
    b.add_argument("--la", required=True, help="local authority: new code (E08000026), old code (331) or name")
    b.add_argument("--year", required=True, help="year ending 31 March, as DfE reports (2025, or 2024-25; a range 2019-2025)")
    b.add_argument("--out", default=None, help="CSV to write (default outputs/benchmark_<code>_<year>.csv)")
    b.add_argument("--reference", default=None, help="folder of published reference data (default data_raw/reference)")
    b.set_defaults(func=_cmd_benchmark)

    d = sub.add_parser("demo-data", help="write a synthetic partnership's returns")
    d.add_argument("--out", required=True, help="folder to write")
    d.add_argument("--children", type=int, default=80_000, help="children aged 0-17 in the city (default 80,000)")
    d.add_argument("--seed", type=int, default=20260930, help="random seed (default: the committed demo's)")
    d.add_argument("--force", action="store_true", help="write into a non-empty folder")
    d.add_argument("--format", action="append", choices=("cin-census", "ssda903", "annex-a"),
                   help="write the children's social care extract as this statutory file (repeat for several)")
    d.set_defaults(func=_cmd_demo)

    from .disclosure_audit import add_parser as add_audit_parser

    add_audit_parser(sub)  # cscp audit-disclosure PACK

    t = sub.add_parser("templates", help="blank return templates (CSV and Excel) for partners")
    t.add_argument("--out", required=True)
    t.set_defaults(func=_cmd_templates)

    from .statutory import add_import_parser

    add_import_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    from .errors import CscpError

    try:
        return int(args.func(args) or 0)
    except (CscpError, FileNotFoundError, FileExistsError) as exc:
        _err(str(exc))
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        _err("interrupted; nothing was published")
        return 130


if __name__ == "__main__":
    sys.exit(main())
