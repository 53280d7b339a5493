"""Issue 18: the commands under faults. Each test names the case of the issue it covers.

The run-level cases kill real runs: ``cscp run`` (or, to keep them quick, a small driver running the
same command line with notebook 01 alone) is started in a subprocess with its own staging folder
(``CSCP_STAGING_DIR``), stopped with a signal, and the output and staging folders are then searched
for anything left behind. They are marked slow.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from cscp_analysis import pipeline
from cscp_analysis.cli import main as cli

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data_raw" / "demo"
PERIOD = "2026-27-Q2"
CSCP = Path(sys.executable).with_name("cscp")

DRIVER = """
import sys
from pathlib import Path
from cscp_analysis import pipeline
from cscp_analysis.cli import main

pipeline.NOTEBOOK_DIR = Path(sys.argv[1])              # notebook 01 alone, so that a run takes seconds
pipeline.QUARTERLY_NOTEBOOKS = [(1, "01_data_returns")]
sys.exit(main(sys.argv[2:]))
"""


# --- helpers ------------------------------------------------------------------------------------------


def _notebooks(folder: Path, extra_cells: list[str] = ()) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(ROOT / "notebooks" / "01_data_returns.ipynb", as_version=4)
    for src in extra_cells:
        nb.cells.append(nbformat.v4.new_code_cell(src))
    nbformat.write(nb, folder / "01_data_returns.ipynb")
    return folder


def _quick(tmp: Path, out, extra_cells=(), **kw):
    return pipeline.run_quarter(PERIOD, DEMO, out, notebook_dir=_notebooks(tmp / "nb", extra_cells),
                                notebooks=[(1, "01_data_returns")], progress=None, **kw)


class Run:
    """A run in a subprocess: its output is collected in files, its process tree can be inspected."""

    def __init__(self, argv: list[str], cwd: Path, staging: Path):
        staging.mkdir(parents=True, exist_ok=True)
        self.log = cwd / f"run-{time.monotonic_ns()}.log"
        self.err = self.log.with_suffix(".err")
        env = {**os.environ, "CSCP_STAGING_DIR": str(staging), "PYTHONUNBUFFERED": "1"}
        with open(self.log, "w") as out, open(self.err, "w") as err:
            self.proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, env=env)

    @classmethod
    def quick(cls, tmp: Path, args: list[str], extra_cells=(), staging: Path | None = None) -> Run:
        driver = tmp / "driver.py"
        driver.write_text(DRIVER)
        nbdir = _notebooks(tmp / f"nb-{time.monotonic_ns()}", extra_cells)
        return cls([sys.executable, str(driver), str(nbdir), *args], tmp, staging or tmp / "staging")

    @property
    def stdout(self) -> str:
        return self.log.read_text()

    @property
    def stderr(self) -> str:
        return self.err.read_text()

    def wait_for(self, text: str, timeout: float = 180) -> None:
        t0 = time.monotonic()
        while text not in self.stdout:
            assert self.proc.poll() is None, f"the run ended before {text!r}:\n{self.stdout}\n{self.stderr}"
            assert time.monotonic() - t0 < timeout, f"no {text!r} after {timeout} s:\n{self.stdout}"
            time.sleep(0.2)

    def wait_for_kernels(self, n: int = 1, timeout: float = 180) -> list[int]:
        """Wait until ``n`` notebooks' kernels run (children of the run), then return the run's process tree."""
        t0 = time.monotonic()
        while len(self.tree()) < n:
            assert self.proc.poll() is None, f"the run ended:\n{self.stdout}\n{self.stderr}"
            assert time.monotonic() - t0 < timeout, f"no kernel after {timeout} s:\n{self.stdout}"
            time.sleep(0.2)
        return self.tree()

    def tree(self) -> list[int]:
        import psutil

        try:
            return [p.pid for p in psutil.Process(self.proc.pid).children(recursive=True)]
        except psutil.Error:
            return []

    def finish(self, timeout: float = 120) -> int:
        return self.proc.wait(timeout=timeout)


def _alive(pids: list[int]) -> list[int]:
    import psutil

    out = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                out.append(pid)
        except psutil.Error:
            continue
    return out


def _end(pids: list[int]) -> None:
    """Stop processes this test started (an orphaned kernel after SIGKILL)."""
    import psutil

    procs = []
    for pid in pids:
        try:
            p = psutil.Process(pid)
            p.kill()
            procs.append(p)
        except psutil.Error:
            continue
    psutil.wait_procs(procs, timeout=10)


def _everything(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) if folder.exists() else []


def _assert_nothing_left(out: Path, staging: Path) -> None:
    left = _everything(out)
    assert left in ([], [f".{PERIOD}.lock"]), left  # the lock file stays, empty
    if left:
        assert (out / f".{PERIOD}.lock").stat().st_size == 0
    assert _everything(staging) == [], _everything(staging)


# --- 1. data loss --------------------------------------------------------------------------------------


def test_1_out_equal_to_data_with_force_is_refused_and_the_returns_are_untouched(tmp_path, capsys):
    # before: the quarter's seven raw returns were deleted, the pack put in their place, exit 0
    data = tmp_path / "data"
    shutil.copytree(DEMO / PERIOD, data / PERIOD)
    before = {p.name: p.read_bytes() for p in (data / PERIOD).iterdir()}
    assert cli(["run", "--data", str(data), "--out", str(data), "--force", "--period", PERIOD]) == 1
    err = capsys.readouterr().err
    assert "the output folder is the data folder" in err and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in (data / PERIOD).iterdir()} == before


@pytest.mark.parametrize("layout", ["out inside data", "data inside out"])
def test_1_output_and_data_folders_may_not_contain_each_other(tmp_path, layout):
    if layout == "out inside data":
        data, out = tmp_path / "data", tmp_path / "data" / "packs"
    else:
        out, data = tmp_path / "out", tmp_path / "out" / "data"
    shutil.copytree(DEMO / PERIOD, data / PERIOD)
    with pytest.raises(pipeline.RunError, match="inside the"):
        pipeline.run_quarter(PERIOD, data, out, force=True, progress=None)


def test_1_force_replaces_only_an_evidence_pack(tmp_path):
    # a folder with the period's name that is not a pack (here, raw returns) is never replaced
    out = tmp_path / "out"
    shutil.copytree(DEMO / PERIOD, out / PERIOD)
    for force in (False, True):
        with pytest.raises(pipeline.RunError, match="is not an evidence pack.*never replaced, not even with --force"):
            pipeline.run_quarter(PERIOD, DEMO, out, force=force, progress=None)
    assert sorted(p.name for p in (out / PERIOD).iterdir()) == sorted(p.name for p in (DEMO / PERIOD).iterdir())


def test_1_the_refusal_describes_the_earlier_pack_and_force_says_what_it_replaces(tmp_path):
    from cscp_analysis import run_safety

    out = tmp_path / "out"
    (out / PERIOD).mkdir(parents=True)
    manifest = {"kind": "quarter", "parameters": {"period": PERIOD}, "finished": "2026-11-23T10:00:00+00:00",
                "outputs": [{"path": "index.html"}]}
    (out / PERIOD / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(pipeline.RunError,
                       match=r"an earlier pack \(the quarter pack of 2026-27-Q2, made 2026-11-23T10:00:00\+00:00, 1 files\)"):
        pipeline.run_quarter(PERIOD, DEMO, out, progress=None)
    said = []
    run_safety.replaceable(out / PERIOD, True, said.append)
    assert said == [f"--force: {out / PERIOD} (the quarter pack of 2026-27-Q2, made 2026-11-23T10:00:00+00:00, "
                    "1 files) will be replaced when this run completes"]


# --- 2. child-level data left behind, and 6. two runs at once -------------------------------------------


@pytest.mark.slow
def test_2_sigterm_during_a_real_cscp_run_leaves_nothing_behind(tmp_path):
    # before: exit 143 with no message, a hidden .partial folder and a 9.3 MB pickle (mode 0644) left in the output
    out, staging = tmp_path / "out", tmp_path / "staging"
    run = Run([str(CSCP), "run", "--period", PERIOD, "--out", str(out)], tmp_path, staging)
    run.wait_for("running")
    run.wait_for_kernels(2)
    time.sleep(3)  # the notebooks are running, and the returns cache holds every return
    cache = list(staging.glob("cscp-*/returns.pkl"))
    assert len(cache) == 1 and cache[0].stat().st_size > 1_000_000
    assert stat.S_IMODE(cache[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(cache[0].parent.stat().st_mode) == 0o700
    assert not list(out.glob(".*partial*"))  # staging is not in the output folder
    kernels = run.tree()
    t0 = time.monotonic()
    run.proc.send_signal(signal.SIGTERM)
    assert run.finish() == 143
    assert time.monotonic() - t0 < 20  # stopped promptly, not after the notebooks finish
    assert run.stderr.strip().splitlines()[-1] == "cscp: interrupted (SIGTERM); nothing was published"
    _assert_nothing_left(out, staging)
    time.sleep(1)
    assert _alive(kernels) == []


@pytest.mark.slow
def test_2_and_6_sighup_and_a_second_run_at_the_same_time(tmp_path, capsys):
    out, staging = tmp_path / "out", tmp_path / "staging"
    first = Run.quick(tmp_path, ["run", "--period", PERIOD, "--out", str(out)], ["import time; time.sleep(300)"], staging)
    first.wait_for("running")
    first.wait_for_kernels(1)
    # 6. before: both runs exited 0 and the later silently replaced the earlier
    t0 = time.monotonic()
    assert cli(["run", "--period", PERIOD, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert time.monotonic() - t0 < 30  # at once, not after validating or running anything
    assert f"another run is already writing {out / PERIOD}: process {first.proc.pid}" in err
    assert "cscp run --period 2026-27-Q2" in err and "Traceback" not in err
    time.sleep(2)
    kernels = first.tree()
    first.proc.send_signal(signal.SIGHUP)
    assert first.finish() == 129
    assert first.stderr.strip().splitlines()[-1] == "cscp: interrupted (SIGHUP); nothing was published"
    _assert_nothing_left(out, staging)
    time.sleep(1)
    assert _alive(kernels) == []


@pytest.mark.slow
def test_2_a_later_run_removes_what_a_killed_run_left(tmp_path):
    out, staging = tmp_path / "out", tmp_path / "staging"
    killed = Run.quick(tmp_path, ["run", "--period", PERIOD, "--out", str(out)], ["import time; time.sleep(300)"], staging)
    killed.wait_for("running")
    killed.wait_for_kernels(1)
    time.sleep(1)
    tree = killed.tree()
    killed.proc.send_signal(signal.SIGKILL)  # cannot be caught: its staging folder stays
    killed.finish()
    _end(tree)
    left = list(staging.glob("cscp-*"))
    assert len(left) == 1 and stat.S_IMODE(left[0].stat().st_mode) == 0o700  # private while it waits
    assert stat.S_IMODE((left[0] / "returns.pkl").stat().st_mode) == 0o600
    # what an earlier version of the package left in the output folder
    (out / f".{PERIOD}.abc123.partial" / "tables").mkdir(parents=True)
    (out / f".{PERIOD}.abc123.partial.returns.pkl").write_bytes(b"child-level")
    later = Run.quick(tmp_path, ["run", "--period", PERIOD, "--out", str(out)], [], staging)
    assert later.finish(timeout=300) == 0, later.stderr
    assert "removed 3 temporary folder(s) or file(s) left by an earlier run" in later.stdout
    assert _everything(staging) == []
    assert sorted(p.name for p in out.iterdir()) == [f".{PERIOD}.lock", PERIOD]


def test_2_an_error_during_the_run_removes_the_staging_folder_and_the_cache(tmp_path, monkeypatch):
    staging = tmp_path / "staging"
    staging.mkdir()
    monkeypatch.setenv("CSCP_STAGING_DIR", str(staging))
    from cscp_analysis import session

    def broken(returns, path):
        Path(path).write_bytes(b"partly written")
        raise RuntimeError("disk error while caching")

    monkeypatch.setattr(session, "save_cache", broken)
    with pytest.raises(RuntimeError, match="disk error"):
        pipeline.run_quarter(PERIOD, DEMO, tmp_path / "out", progress=None, notebooks=[(1, "01_data_returns")])
    assert _everything(staging) == []
    assert _everything(tmp_path / "out") == [f".{PERIOD}.lock"]


def test_2_the_staging_folder_and_the_cache_are_private(tmp_path, monkeypatch):
    from cscp_analysis import run_safety

    monkeypatch.setenv("CSCP_STAGING_DIR", str(tmp_path / "staging"))
    (tmp_path / "staging").mkdir()
    with run_safety.RunGuard(tmp_path / "out", PERIOD) as guard:
        assert stat.S_IMODE(guard.root.stat().st_mode) == 0o700
        assert stat.S_IMODE(guard.cache.stat().st_mode) == 0o600
        assert tmp_path / "out" not in guard.root.parents
        root = guard.root
    assert not root.exists()


# --- 5. a relative --out, and 7. verify with an added file ---------------------------------------------


@pytest.fixture(scope="module")
def relative_pack(tmp_path_factory):
    """A quick pack built with ``--out`` relative to the current folder."""
    tmp = tmp_path_factory.mktemp("relative")
    nbdir = _notebooks(tmp / "nb")
    work = tmp / "work"
    work.mkdir()
    before = sorted(p.name for p in nbdir.iterdir())
    cwd = os.getcwd()
    os.chdir(work)
    try:
        result = pipeline.run_quarter(PERIOD, DEMO, "packs", notebook_dir=nbdir, notebooks=[(1, "01_data_returns")],
                                      progress=None)
    finally:
        os.chdir(cwd)
    return result, work, nbdir, before


@pytest.mark.slow
def test_5_a_relative_out_is_resolved_against_the_current_folder(relative_pack):
    # before: every notebook ran, then "No such file or directory" (exit 1), and an executed notebook
    # was written into the notebooks folder, where papermill runs
    result, work, nbdir, before = relative_pack
    assert result.pack == work / "packs" / PERIOD
    assert (result.pack / "manifest.json").is_file()
    assert sorted(p.name for p in nbdir.iterdir()) == before


@pytest.mark.slow
def test_7_verify_fails_naming_a_file_added_to_the_pack(relative_pack, tmp_path):
    # before: "verified: 196 tables and figures identical"
    result = relative_pack[0]
    pack = tmp_path / PERIOD
    shutil.copytree(result.pack, pack)
    (pack / "tables" / "zz_injected.csv").write_text("a,b\n1,2\n")
    (pack / ".hidden").write_text("x")
    check = pipeline.verify_pack(pack, progress=None)
    assert not check.ok
    assert "tables/zz_injected.csv: in the pack but not listed in checksums.sha256 (added after the pack was written)" \
        in check.problems
    assert any(p.startswith(".hidden: in the pack but not listed") for p in check.problems)
    assert len(check.problems) == 2, check.problems


# --- 8. read-only and full output folders ------------------------------------------------------------


def _mount_tmpfs(where: Path, options: str) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True)
    return r.returncode == 0


def _umount(where: Path) -> None:
    subprocess.run(["umount", str(where)], capture_output=True)


@pytest.fixture()
def read_only_folder(tmp_path):
    folder = tmp_path / "read-only"
    if os.geteuid() != 0:
        folder.mkdir()
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    if not _mount_tmpfs(folder, "ro,size=1m"):
        pytest.skip("running as root without permission to mount a read-only file system")
    yield folder
    _umount(folder)


def test_8_a_read_only_output_folder_is_a_one_line_error(read_only_folder, capsys):
    # before: a Python traceback
    assert cli(["run", "--period", PERIOD, "--out", str(read_only_folder)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith(f"cscp: cannot write to {read_only_folder}:")
    assert ("read-only file system" in err or "permission denied" in err) and "choose another --out" in err


def test_8_an_output_folder_on_a_full_disk_is_a_one_line_error(tmp_path, capsys, monkeypatch):
    from cscp_analysis import run_safety

    full = tmp_path / "full"
    full.mkdir()
    real = shutil.disk_usage

    def usage(path):
        u = real(path)
        return type(u)(u.total, u.total - 1024 * 1024, 1024 * 1024) if Path(path) == full else u

    monkeypatch.setattr(run_safety.shutil, "disk_usage", usage)
    assert cli(["run", "--period", PERIOD, "--out", str(full)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith(f"cscp: cannot write to {full}: the disk is full (1 MB free")


@pytest.mark.slow
def test_8_a_disk_filling_up_while_the_pack_is_copied_is_a_one_line_error(tmp_path, capsys, monkeypatch):
    from cscp_analysis import run_safety

    # the output folder on another file system (a small tmpfs): the pack is copied there, and the copy fails
    out = tmp_path / "small"
    if not _mount_tmpfs(out, "size=256k"):
        pytest.skip("cannot mount a small file system here")
    try:
        monkeypatch.setattr(run_safety, "MIN_FREE_MB", 0)
        monkeypatch.setenv("CSCP_STAGING_DIR", str(tmp_path / "staging"))
        (tmp_path / "staging").mkdir()
        with pytest.raises(pipeline.RunError, match=f"cannot write to {out}: the disk is full"):
            _quick(tmp_path, out)
        assert _everything(out) == [f".{PERIOD}.lock"]  # the half-copied pack is gone
        assert _everything(tmp_path / "staging") == []
    finally:
        _umount(out)


def test_8_the_command_line_turns_a_write_error_into_one_line(monkeypatch, capsys):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", "/srv/packs/2026-27-Q2/tables/x.csv")

    monkeypatch.setattr(pipeline, "run_quarter", full)
    assert cli(["run"]) == 1
    assert capsys.readouterr().err.strip() == ("cscp: cannot write to /srv/packs/2026-27-Q2/tables/x.csv: the disk "
                                               "is full; free some space or choose another --out")


def test_2_once_the_run_stops_its_kernels_their_death_is_not_reported_again(caplog):
    # before (seen in CI): SIGHUP while a cell ran printed "Kernel died while waiting for execute reply",
    # then the run's message, then asyncio's "Task exception was never retrieved ... DeadKernelError"
    import logging

    from nbclient.exceptions import DeadKernelError

    from cscp_analysis import run_safety

    run_safety.stop_kernels(time.time() + 3600)  # stops nothing (no child started that late), quiets the reports
    caplog.set_level(logging.INFO)
    dead = DeadKernelError("Kernel died")
    logging.getLogger("asyncio").error("Task exception was never retrieved", exc_info=(DeadKernelError, dead, None))
    logging.getLogger("papermill").error("Kernel died while waiting for execute reply.")
    logging.getLogger("asyncio").error("an unrelated error")  # everything else is still reported
    assert [r.getMessage() for r in caplog.records] == ["an unrelated error"]
