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
            note = _note_of(line)
            if note is not None:
                notes.append(note)
        return notes

    def holds(self, note: str) -> bool:
        """Whether ``note`` was published, reading from the end of the file.

        The periodic signer asks this every round about the note it published last, which is at or near
        the end: reading a growing window from the end keeps a round's cost independent of the witness's
        length (a year of five-minute checkpoints is ~25 MB), while still finding an older note.
        """
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return False
        window = 1 << 16
        with self.path.open("rb") as handle:
            while True:
                start = max(0, size - window)
                handle.seek(start)
                lines = handle.read(size - start).decode("ascii", errors="replace").split("\n")
                if start > 0:
                    lines = lines[1:]  # the window's first line may be cut
                if any(_note_of(line) == note for line in reversed(lines)):
                    return True
                if start == 0:
                    return False
                window *= 4


def _note_of(line: str) -> str | None:
    try:
        value = json.loads(line)
    except ValueError:
        return None
    if isinstance(value, dict) and isinstance(value.get("note"), str):
        return str(value["note"])
    return None
