#!/usr/bin/env python3
"""Score detection on the TAB court judgments (both subsets) with ../shared/eval/tab_score.py's rules.

    .venv/bin/python benchmarks/tab_eval.py [--profile publication|strict|both]

Runs the engine in this process (the model loads once) on exactly what ``safepub detect FILE.txt`` sees,
and scores with the benchmark's own ``score`` function. The official per-document command, one fresh
process per judgment, is ``make tab-official``. Prints one RESULT line per subset and profile.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SUBSETS = ("echr_dev_subset21.json", "echr_train_subset92.json")
# issue 10's acceptance: publication ER_di >= 0.97; strict ER_qi >= 0.93 with token precision >= 0.65
TARGETS = {"publication": ("ER_di", 0.97), "strict": ("ER_qi", 0.93)}
STRICT_PRECISION = 0.65

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile", choices=["publication", "strict", "both"], default="both")
    args = parser.parse_args()
    sys.path.insert(0, str(SHARED / "eval"))
    import tab_score  # the benchmark's own scorer

    from redaction.engine import RedactionEngine

    engine = RedactionEngine(ocr=False)
    profiles = ["publication", "strict"] if args.profile == "both" else [args.profile]
    failed = False
    for profile in profiles:
        for subset in SUBSETS:
            gold = json.loads((SHARED / "tab" / subset).read_text(encoding="utf-8"))
            system = {}
            for doc in gold:
                _, spans = engine.detect_spans(doc["text"].encode("utf-8"), profile=profile)
                system[doc["doc_id"]] = [[s.start, s.end] for s in spans]
            res = tab_score.score(gold, system)
            metric, target = TARGETS[profile]
            ok = res[metric] >= target and (profile != "strict" or res["token_precision"] >= STRICT_PRECISION)
            failed |= not ok
            print(
                f"{subset:<28} {profile:<12} RESULT ER_di={res['ER_di']:.3f} ER_qi={res['ER_qi']:.3f} "
                f"precision={res['token_precision']:.3f}  target {metric}>={target}: {'PASS' if ok else 'FAIL'}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
