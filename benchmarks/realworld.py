"""SafePub over a folder of real-world PDFs, one `safepub redact` process per file (issue 11, item 7).

    .venv/bin/python benchmarks/realworld.py DIR [--limit N] [--timeout SECONDS] [--out OUTDIR] [-- EXTRA ARGS]

For every ``*.pdf`` in DIR (sorted) it runs ``safepub redact FILE -o OUT/FILE`` exactly as a user would
(a fresh process: start-up and model loading are part of the time) and prints one line per file:

    exit  seconds  peak-MiB  kept  pages  file  [reason]

``exit`` is the command's code (0 redacted, 2 refused with a reason, 3 verification failed, anything else
a crash; "T/O" when the timeout killed it); ``peak-MiB`` is the child's maximum resident set (from
``wait4``); ``kept`` is the share of the input's words (PyMuPDF page text, counted with repeats) still
in the output; the reason is the command's one-line message for exits 2 and 3. A summary line follows:

    SUMMARY files=N ok=N refused=N verification_failed=N crashed=N timeouts=N median_s=X max_s=X
    max_mib=X median_kept=X

Where to get files: ``mozilla/pdf.js`` ``test/pdfs`` and ``pymupdf/PyMuPDF`` ``tests/resources`` (clone
them, or the small set kept in tests/fixtures/realworld). Exit status: 1 if any file crashed, timed out
or failed verification, else 0 (a refusal is a verdict on the file, not a failure of SafePub).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pymupdf

REPO = Path(__file__).resolve().parents[1]
SAFEPUB = REPO / ".venv" / "bin" / "safepub"


def words(path: Path) -> Counter[str] | None:
    """The words of a PDF's page text, or None if PyMuPDF cannot read it."""
    try:
        with pymupdf.open(path) as doc:
            return Counter(re.findall(r"\w+", " ".join(page.get_text() for page in doc).lower()))
    except Exception:  # noqa: BLE001 - an unreadable input is measured by SafePub's verdict alone
        return None


def pages(path: Path) -> int | None:
    try:
        with pymupdf.open(path) as doc:
            return doc.page_count
    except Exception:  # noqa: BLE001
        return None


def run(source: Path, target: Path, timeout: float, extra: list[str]) -> tuple[str, float, float, str]:
    """(exit code or "T/O", seconds, peak MiB, last line of stderr) of one `safepub redact`."""
    command = [str(SAFEPUB) if SAFEPUB.exists() else "safepub", "redact", str(source), "-o", str(target), *extra]
    started = time.monotonic()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        deadline = started + timeout
        status: int | None = None
        usage = None
        while status is None:
            pid, raw, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                status = raw
                break
            if time.monotonic() > deadline:
                os.killpg(child.pid, signal.SIGKILL)
                _, raw, usage = os.wait4(child.pid, 0)
                child.returncode = -9
                seconds = time.monotonic() - started
                return "T/O", seconds, usage.ru_maxrss / 1024, ""
            time.sleep(0.05)
        seconds = time.monotonic() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        lines = err.read().decode("utf-8", "replace").strip().splitlines()
    reason = lines[-1] if lines and child.returncode in (2, 3) else ""
    return str(child.returncode), seconds, (usage.ru_maxrss / 1024 if usage else 0.0), reason


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="at most this many files (0: all)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per file")
    parser.add_argument("--out", type=Path, default=None, help="where the outputs go (default: a temp dir)")
    parser.add_argument("extra", nargs="*", help="more arguments for safepub redact (after --)")
    args = parser.parse_args(argv)
    files = sorted(args.folder.glob("*.pdf"))
    if args.limit:
        files = files[: args.limit]
    out = args.out or Path(tempfile.mkdtemp(prefix="safepub-realworld-"))
    out.mkdir(parents=True, exist_ok=True)
    codes: Counter[str] = Counter()
    times: list[float] = []
    peaks: list[float] = []
    kept_shares: list[float] = []
    print(f"{'exit':>4} {'seconds':>8} {'peak-MiB':>8} {'kept':>5} {'pages':>5}  file")
    for source in files:
        target = out / source.name
        target.unlink(missing_ok=True)
        code, seconds, peak, reason = run(source, target, args.timeout, args.extra)
        codes[code] += 1
        times.append(seconds)
        peaks.append(peak)
        kept = "-"
        before = words(source)
        if code == "0" and target.exists() and before and sum(before.values()):
            after = words(target) or Counter()
            share = sum(min(n, after[w]) for w, n in before.items()) / sum(before.values())
            kept_shares.append(share)
            kept = f"{share:.2f}"
        count = pages(source)
        print(
            f"{code:>4} {seconds:8.1f} {peak:8.0f} {kept:>5} {count if count is not None else '-':>5}  "
            f"{source.name}{'  ' + reason if reason else ''}",
            flush=True,
        )
    crashed = sum(n for code, n in codes.items() if code not in ("0", "2", "3", "T/O"))
    print(
        f"SUMMARY files={len(files)} ok={codes['0']} refused={codes['2']} verification_failed={codes['3']} "
        f"crashed={crashed} timeouts={codes['T/O']} median_s={statistics.median(times) if times else 0:.1f} "
        f"max_s={max(times, default=0):.1f} max_mib={max(peaks, default=0):.0f} "
        f"median_kept={statistics.median(kept_shares) if kept_shares else 0:.2f}"
    )
    return 1 if crashed or codes["3"] or codes["T/O"] else 0


if __name__ == "__main__":
    sys.exit(main())
