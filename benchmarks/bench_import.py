"""Benchmark: import a CIN census file of 1,000,000 children (target: 60 s or less, 2 GB peak or less, 2 cores).

    .venv/bin/python benchmarks/bench_import.py [--children 1000000] [--keep DIR]

Generates the file once into a temporary folder (or ``--keep DIR``, reused when it is already there):
each child with one or two referrals, most with an assessment and its factors, some with a section 47
enquiry, a conference and a plan, DfE codes throughout. The import then runs in a fresh process
(``cscp import cin-census``), timed in three parts: reading the XML (lxml ``iterparse``), converting
the values into the extract's tables, and writing the CSVs; its peak resident memory is that
process's ``ru_maxrss``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
ETH = ("WBRI", "WOTH", "MWBC", "AIND", "APKN", "BAFR", "BCRB", "CHNE", "OOTH", "NOBT")
SOURCES = ("1A", "2A", "3A", "3F", "5A", "6", "8")
FACTORS = ("3B", "4B", "2B", "16A", "17A", "11A", "24A")
CATEGORIES = ("NEG", "EMO", "PHY", "SAB", "MUL")


def _iso(days: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(days.astype("datetime64[D]"), unit="D")


def generate(path: Path, children: int, seed: int = 20260930, chunk: int = 50_000) -> int:
    """Write a CIN census XML of ``children`` children; returns its size in bytes."""
    rng = np.random.default_rng(seed)
    base = np.datetime64("2025-04-01", "D")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="utf-8"?>\n<Message>\n  <Header>\n    <CollectionDetails>\n'
                 "      <Collection>CIN</Collection>\n      <Year>2026</Year>\n      <ReferenceDate>2026-03-31</ReferenceDate>\n"
                 "    </CollectionDetails>\n    <Source>\n      <SourceLevel>L</SourceLevel>\n      <LEA>999</LEA>\n"
                 "    </Source>\n  </Header>\n  <Children>\n")
        for lo in range(0, children, chunk):
            n = min(chunk, children - lo)
            dob = _iso(base - rng.integers(30, 17 * 365, n))
            sex = rng.choice(np.array(["M", "F", "U"]), n, p=[0.51, 0.48, 0.01])
            eth = rng.choice(np.array(ETH), n)
            refs = 1 + (rng.random(n) < 0.3)
            parts = []
            for i in range(n):
                x = []
                x.append(f"    <Child>\n      <ChildIdentifiers>\n        <LAchildID>C{lo + i:09d}</LAchildID>\n"
                         f"        <UPNunknown>UN1</UPNunknown>\n        <PersonBirthDate>{dob[i]}</PersonBirthDate>\n"
                         f"        <Sex>{sex[i]}</Sex>\n      </ChildIdentifiers>\n      <ChildCharacteristics>\n"
                         f"        <Ethnicity>{eth[i]}</Ethnicity>\n        <Disabilities>\n"
                         f"          <Disability>{'NONE' if i % 9 else 'LD'}</Disability>\n        </Disabilities>\n"
                         "      </ChildCharacteristics>\n")
                for k in range(refs[i]):
                    r = base + int((lo + i * 7 + k * 131) % 330)
                    a = r + 2
                    x.append(f"      <CINdetails>\n        <CINreferralDate>{r}</CINreferralDate>\n"
                             f"        <ReferralSource>{SOURCES[(i + k) % len(SOURCES)]}</ReferralSource>\n"
                             f"        <PrimaryNeedCode>N{1 + (i + k) % 8}</PrimaryNeedCode>\n")
                    if (i + k) % 3 == 0:
                        x.append(f"        <CINclosureDate>{a + 60}</CINclosureDate>\n        <ReasonForClosure>RC7</ReasonForClosure>\n")
                    if (i + k) % 10:
                        x.append(f"        <Assessments>\n          <AssessmentActualStartDate>{a}</AssessmentActualStartDate>\n"
                                 f"          <AssessmentAuthorisationDate>{a + 30}</AssessmentAuthorisationDate>\n"
                                 "          <FactorsIdentifiedAtAssessment>\n"
                                 f"            <AssessmentFactors>{FACTORS[i % 7]}</AssessmentFactors>\n"
                                 f"            <AssessmentFactors>{FACTORS[(i + 3) % 7]}</AssessmentFactors>\n"
                                 "          </FactorsIdentifiedAtAssessment>\n        </Assessments>\n")
                    if (i + k) % 4 == 0:
                        s = a + 31
                        c = s + 14
                        x.append(f"        <Section47>\n          <S47ActualStartDate>{s}</S47ActualStartDate>\n"
                                 f"          <InitialCPCtarget>{c + 1}</InitialCPCtarget>\n"
                                 f"          <DateOfInitialCPC>{c}</DateOfInitialCPC>\n"
                                 "          <ICPCnotRequired>false</ICPCnotRequired>\n        </Section47>\n")
                    x.append(f"        <ReferralNFA>{'true' if (i + k) % 10 == 0 else 'false'}</ReferralNFA>\n")
                    if (i + k) % 4 == 0:
                        x.append(f"        <ChildProtectionPlans>\n          <CPPstartDate>{c}</CPPstartDate>\n"
                                 f"          <InitialCategoryOfAbuse>{CATEGORIES[i % 5]}</InitialCategoryOfAbuse>\n"
                                 f"          <LatestCategoryOfAbuse>{CATEGORIES[i % 5]}</LatestCategoryOfAbuse>\n"
                                 "          <NumberOfPreviousCPP>0</NumberOfPreviousCPP>\n"
                                 "        </ChildProtectionPlans>\n")
                    x.append("      </CINdetails>\n")
                x.append("    </Child>\n")
                parts.append("".join(x))
            fh.write("".join(parts))
        fh.write("  </Children>\n</Message>\n")
    return path.stat().st_size


def _child(xml: str, out: str) -> None:
    """The timed import, in this (fresh) process, as ``cscp import cin-census`` runs it; prints JSON.

    With several processes, read and convert are the slowest process's, write is the slowest
    process's part files plus joining them. Peak memory is this process's peak plus what each worker
    added to the memory it shared with this process when it started (its peak less its size at the
    start); ``peak_sum_mb`` adds the workers' whole peaks instead (shared pages counted twice)."""
    from cscp_analysis.statutory import import_cin_census
    from cscp_analysis.statutory.cin_parallel import LAST_RUN, workers_for

    t0 = time.perf_counter()
    report = import_cin_census(xml, out, force=True)
    total = time.perf_counter() - t0
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = LAST_RUN.get("workers", [])
    res = {"workers": max(1, len(workers)), "total_s": total,
           "rows": {r.table: int(r.written) for r in report.itertuples()}}
    if workers:
        res.update(read_s=max(w["read"] for w in workers), convert_s=max(w["convert"] for w in workers),
                   write_s=max(w["write"] for w in workers) + LAST_RUN["join_s"],
                   cpu_s=sum(w["cpu"] for w in workers) + time.process_time(),
                   peak_mb=own + sum(w["peak_mb"] - w["start_mb"] for w in workers),
                   peak_sum_mb=own + sum(w["peak_mb"] for w in workers))
    else:
        res.update(read_s=float("nan"), convert_s=float("nan"), write_s=float("nan"), peak_mb=own)
    res["cores"] = workers_for(Path(xml))
    print(json.dumps(res))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--children", type=int, default=1_000_000)
    ap.add_argument("--keep", default=None, help="folder to keep (and reuse) the generated file in")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        _child(*a.child)
        return 0
    work = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="bench_import_"))
    work.mkdir(parents=True, exist_ok=True)
    xml = work / f"cin_{a.children}.xml"
    try:
        if not xml.is_file():
            t = time.perf_counter()
            size = generate(xml, a.children)
            print(f"generated {xml} ({size / 1e6:,.0f} MB) in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        out = work / "extract"
        r = subprocess.run([sys.executable, __file__, "--child", str(xml), str(out)], capture_output=True, text=True,
                           cwd=ROOT, check=False)
        if r.returncode:
            print(r.stderr, file=sys.stderr)
            return r.returncode
        res = json.loads(r.stdout.strip().splitlines()[-1])
        size_mb = xml.stat().st_size / 1e6
        print(f"CIN census import of {a.children:,} children ({size_mb:,.0f} MB of XML)")
        print(f"  {res['workers']} process(es): read {res['read_s']:.1f} s, convert {res['convert_s']:.1f} s, "
              f"write {res['write_s']:.1f} s: total {res['total_s']:.1f} s (target 60 s)")
        print(f"  peak memory {res['peak_mb']:,.0f} MB (target 2,048 MB); with the workers' shared pages counted "
              f"twice {res.get('peak_sum_mb', res['peak_mb']):,.0f} MB")
        if "cpu_s" in res:
            print(f"  processor time {res['cpu_s']:.1f} s over {res['workers']} processes (load average "
                  f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores when it ended)")
        print("  rows written: " + ", ".join(f"{k} {v:,}" for k, v in res["rows"].items()))
        ok = res["total_s"] <= 60 and res["peak_mb"] <= 2048
        print("  within the targets" if ok else "  OUTSIDE the targets")
        return 0 if ok else 1
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
