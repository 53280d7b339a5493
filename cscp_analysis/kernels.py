"""Warm kernels for a run: each of the run's workers keeps one Jupyter kernel for all its notebooks.

A fresh kernel for every notebook costs about a second to start and two to three seconds to import
pandas, SciPy, matplotlib and this library before the notebook's first line of analysis: on the demo
quarter's six notebooks, a third of their time. A run therefore starts its kernels (``jobs`` of them)
while it validates the returns, imports the libraries every notebook needs into them (:data:`WARM_UP`),
and lends each notebook a kernel that no other notebook is using (:meth:`KernelPool.lend`).

Between two notebooks a kernel is reset (:data:`RESET`) to what a fresh one would show the next
notebook: no variables, no open figures, the house chart style, warnings shown again, and execution
counts from 1, so the executed notebook, its page and every table and figure are the same bytes as with
a kernel of its own (``tests/test_kernels.py`` compares them). What stays are imported modules and the
caches of published reference data, which depend only on their inputs. Each notebook still loads its
own copy of the returns from the run's cache file.

The kernels are this process's children, so :func:`cscp_analysis.run_safety.stop_kernels` stops them
when a run is interrupted; :meth:`KernelPool.close` shuts them down when it ends.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jupyter_client import AsyncKernelManager, BlockingKernelClient
from jupyter_core.utils import run_sync

from .errors import CscpError

__all__ = ["KernelPool", "WARM_UP", "RESET"]

#: Run once in each kernel before its first notebook: the library's sections (and through them pandas,
#: SciPy and matplotlib), which any notebook may be lent this kernel for; then the state a notebook
#: finds after its first import (chart settings, working folder), which :data:`RESET` restores.
WARM_UP = "\n".join([
    "import cscp_analysis.session, cscp_analysis.charts, cscp_analysis.intake, cscp_analysis.scrutiny",
    "import cscp_analysis.scorecard.sections, cscp_analysis.disproportionality.sections",
    "import cscp_analysis.assurance, cscp_analysis.benchmarking.published",
    "import os as _os, matplotlib as _mpl, cscp_analysis.kernels as _kernels",
    "_kernels.FRESH = {'rc': dict(_mpl.rcParams.copy()), 'cwd': _os.getcwd()}",
    "del _os, _mpl, _kernels",
])

#: Run in a kernel before each notebook after its first: a fresh kernel's state, modules kept.
RESET = "\n".join([
    "get_ipython().run_line_magic('reset', '-f')",
    "import os as _os, warnings as _warnings, matplotlib as _mpl, matplotlib.pyplot as _plt",
    "import cscp_analysis.kernels as _kernels",
    "_plt.close('all')",
    "dict.update(_mpl.rcParams, _kernels.FRESH['rc'])  # every chart setting, as matplotlib's rc_context restores them",
    "_os.chdir(_kernels.FRESH['cwd'])",
    "_warnings._filters_mutated()  # a warning seen by the last notebook is shown again",
    "del _os, _warnings, _mpl, _plt, _kernels",
    "get_ipython().execution_count = 1",
])

#: In a kernel: what :data:`WARM_UP` recorded of its fresh state.
FRESH: dict = {}

STARTUP_TIMEOUT = 120.0  # seconds for a kernel to start and import the libraries


class LentKernelManager(AsyncKernelManager):
    """``AsyncKernelManager`` that remembers the clients it gives out. A notebook client that does not own
    its kernel leaves its own connection open (nbclient), so the pool closes it after each notebook."""

    def client(self, **kwargs):
        kc = super().client(**kwargs)
        self.__dict__.setdefault("_lent_clients", []).append(kc)
        return kc

    def stop_clients(self) -> None:
        for kc in self.__dict__.pop("_lent_clients", []):
            try:
                kc.stop_channels()
            except Exception:  # noqa: BLE001 - its kernel already gone
                pass


class KernelError(CscpError):
    """A kernel could not be started or reset."""


def _run_code(km, code: str, timeout: float = STARTUP_TIMEOUT) -> None:
    """Execute ``code`` silently in the kernel of ``km`` (no output, no execution count); raise on error."""
    kc = BlockingKernelClient()
    kc.load_connection_info(km.get_connection_info())
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=timeout)
        reply = kc.execute_interactive(code, silent=True, store_history=False, timeout=timeout,
                                       output_hook=lambda msg: None)
    except (RuntimeError, TimeoutError) as exc:
        raise KernelError(f"the notebook kernel did not answer: {exc}") from None
    finally:
        kc.stop_channels()
    content = reply.get("content", {})
    if content.get("status") != "ok":
        raise KernelError(f"the notebook kernel could not be prepared: {content.get('ename')}: {content.get('evalue')}")


class KernelPool:
    """``size`` warm kernels of ``kernel_name``, started in the background (:meth:`start`), lent one
    notebook at a time (:meth:`lend`) and shut down by :meth:`close`."""

    def __init__(self, kernel_name: str, size: int, cwd: str | Path):
        self.kernel_name = kernel_name
        self.size = max(1, int(size))
        self.cwd = str(cwd)
        self._free: queue.Queue = queue.Queue()
        self._all: list = []
        self._lock = threading.Lock()
        self._used: set = set()  # kernels that have run a notebook (reset before the next)
        self._closed = False

    # --- starting --------------------------------------------------------------------------------
    def _new_kernel(self):
        km = LentKernelManager(kernel_name=self.kernel_name)
        with self._lock:
            if self._closed:
                return None
            self._all.append(km)
        # no history database: counts restart at 1 for each notebook, which IPython's history would refuse
        run_sync(km.start_kernel)(cwd=self.cwd, extra_arguments=["--HistoryManager.enabled=False"])
        if self._closed:  # closed while it started
            self._shutdown(km)
            return None
        return km

    def _start_one(self) -> None:
        try:
            km = self._new_kernel()
            if km is not None:
                _run_code(km, WARM_UP)
            self._free.put(km)
        except BaseException as exc:  # handed to the notebook that waits for this kernel
            self._free.put(exc)

    def start(self) -> KernelPool:
        """Start the kernels in the background (the run validates its returns meanwhile)."""
        for _ in range(self.size):
            threading.Thread(target=self._start_one, name="cscp-kernel-start", daemon=True).start()
        return self

    # --- lending ---------------------------------------------------------------------------------
    def _take(self):
        try:
            got = self._free.get(timeout=STARTUP_TIMEOUT * 2)
        except queue.Empty:
            raise KernelError(f"no notebook kernel became free within {STARTUP_TIMEOUT * 2:.0f} seconds "
                              "(a kernel could not be started or replaced)") from None
        if isinstance(got, BaseException):
            raise KernelError(f"a notebook kernel could not be started: {got}") from got
        if got is None:
            raise KernelError("the run's kernels were shut down")
        fresh = not run_sync(got.is_alive)()  # died in a notebook that failed: replace it
        if not fresh and got in self._used:
            try:
                _run_code(got, RESET)
            except KernelError:  # it no longer answers: replace it too
                fresh = True
        if fresh:
            self._forget(got)
            got = self._new_kernel()
            if got is None:
                raise KernelError("the run's kernels were shut down")
            _run_code(got, WARM_UP)
        return got

    @contextmanager
    def lend(self) -> Iterator[object]:
        """A kernel manager for one notebook (papermill's ``km``), back in the pool afterwards."""
        km = self._take()
        try:
            yield km
        finally:
            km.stop_clients()
            self._used.add(km)
            self._free.put(km)

    # --- closing ---------------------------------------------------------------------------------
    def _forget(self, km) -> None:
        with self._lock:
            if km in self._all:
                self._all.remove(km)
        self._shutdown(km)

    @staticmethod
    def _shutdown(km) -> None:
        try:
            if km.has_kernel:
                run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - already gone, or stopped by the run's signal handling
            pass

    def close(self) -> None:
        """Shut every kernel down (those still starting are shut down when they have started)."""
        with self._lock:
            self._closed = True
            kernels = list(self._all)
            self._all.clear()
        for km in kernels:
            self._shutdown(km)
        self._free.put(None)  # a notebook still waiting (never, after the run) would not wait forever

    def __enter__(self) -> KernelPool:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
