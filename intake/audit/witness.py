"""The witness: every signed checkpoint is also published outside the database.

Checkpoints stored only beside the rows they vouch for can be deleted with them: someone with database
write access could cut the tail of the log, delete the checkpoints above the cut and fix the head, and
``safepub audit verify`` would pass. A witness is a place that writer cannot rewrite. Here it is an
append-only file of signed notes (one JSON line each, written with O_APPEND and fsync'd); in production
put it where the database's credentials give no write access and history cannot be changed: a WORM
mount, a file with the append-only attribute (``chattr +a``), or an S3 bucket with Object Lock in
compliance mode (each note a new object with a retention date; see the README). ``safepub audit verify``
checks the log against every note in the witness, so deleting rows and checkpoints is caught.
"""

from __future__ import annotations

import json
import os
from pathlib import Path


class FileWitness:
    def __init__(self, path: Path) -> None:
        self.path = path

    def publish(self, note: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = (json.dumps({"note": note}, ensure_ascii=True) + "\n").encode("ascii")
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)

    def notes(self) -> list[str]:
        """Every published note, oldest first (a line that is not a note is skipped: a torn last write)."""
        if not self.path.exists():
            return []
        notes = []
        for line in self.path.read_text(encoding="ascii", errors="replace").splitlines():
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, dict) and isinstance(value.get("note"), str):
                notes.append(value["note"])
        return notes
