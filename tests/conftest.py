"""Shared fixtures: the demo quarter's pack (built once per test session) and system tools.

The pack is built once per test session, even under ``pytest -n 2`` (what ``make test`` runs): the
first worker to need it builds it in the session's shared temporary folder, under a file lock, and
the others wait for it and reuse it.
System tools the end-to-end tests need (Debian's ``chromium`` for the browser test, ``faketime`` to
simulate another day) are installed on first use where the machine allows it (root and apt-get), as
CI's fresh machine does; elsewhere those tests are skipped with a message saying how to install them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data_raw" / "demo"
PERIOD = "2026-27-Q2"


def _apt_install(package: str, binary: str) -> str | None:
    """Path of ``binary``, installing Debian's ``package`` first if it is missing and we may."""
    found = shutil.which(binary)
    if found:
        return found
    if not shutil.which("apt-get") or os.geteuid() != 0:
        return None
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for attempt in ([], ["update"]):
        if attempt:
            subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, timeout=600)
        r = subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", package], env=env,
                           capture_output=True, timeout=900)
        if r.returncode == 0 and shutil.which(binary):
            return shutil.which(binary)
    return None


@pytest.fixture(scope="session")
def chromium() -> str:
    path = _apt_install("chromium", "chromium")
    if not path:
        pytest.skip("headless Chromium is not installed and cannot be installed here "
                    "(needs root and apt-get: apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def faketime() -> str | None:
    """The ``faketime`` command, or None (the determinism test then changes only the time zone)."""
    return _apt_install("faketime", "faketime")


def _shared(tmp_path_factory) -> Path:
    """The session's shared temporary folder (under xdist each worker has its own basetemp inside it)."""
    basetemp = tmp_path_factory.getbasetemp()
    return basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else basetemp


def _built(tmp_path_factory, name: str, audience: str) -> tuple[Path, Path]:
    """The demo quarter's pack for ``audience``, built once per session under a file lock; and the folder
    where the build left the true value of every hidden cell (``evidence.HIDDEN_VALUES_ENV``: outside the
    pack, for ``tests/test_one_truth.py``)."""
    import fcntl

    from cscp_analysis import evidence, pipeline

    shared = _shared(tmp_path_factory)
    out, hidden = shared / f"{name}_outputs", shared / f"{name}_hidden_values"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (out / PERIOD / "checksums.sha256").exists():
                before = os.environ.get(evidence.HIDDEN_VALUES_ENV)
                os.environ[evidence.HIDDEN_VALUES_ENV] = str(hidden)  # the notebooks' kernels inherit it
                try:
                    result = pipeline.run_quarter(None, DEMO, out, progress=None, audience=audience)
                finally:
                    if before is None:
                        os.environ.pop(evidence.HIDDEN_VALUES_ENV, None)
                    else:
                        os.environ[evidence.HIDDEN_VALUES_ENV] = before
                assert result.pack == out / PERIOD
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return out / PERIOD, hidden


@pytest.fixture(scope="session")
def quarter_pack(tmp_path_factory) -> Path:
    """The latest demo quarter's evidence pack, built once with ``cscp run``'s defaults (read-only for tests)."""
    return _built(tmp_path_factory, "quarter_pack", "board")[0]


@pytest.fixture(scope="session")
def quarter_pack_hidden_values(tmp_path_factory, quarter_pack) -> Path:
    """Where the build of :func:`quarter_pack` left the true value of each hidden cell (one CSV per table)."""
    return _built(tmp_path_factory, "quarter_pack", "board")[1]


@pytest.fixture(scope="session")
def public_pack(tmp_path_factory) -> tuple[Path, Path]:
    """The latest demo quarter's *public* pack (``cscp run --audience public``), built once, and where its build
    left the true value of each hidden cell."""
    return _built(tmp_path_factory, "public_pack", "public")
