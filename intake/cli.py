"""The `safepub` command. Engine commands (redact, detect) never import Flask."""

from __future__ import annotations

import sys

ENGINE_COMMANDS = {"redact", "detect"}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ENGINE_COMMANDS:
        from redaction.cli import main as engine_main

        return engine_main(args)
    print("usage: safepub {redact,detect} ...", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
