"""Word drafts (.docx, .odt): open safely, report every hidden channel, print to PDF.

    package = open_package(data)            # refuses .docm, password-protected and legacy .doc files
    items = hidden_items(package)           # tracked changes, comments, properties, hidden text ...
    pdf = docx_to_pdf(printable_docx(package))   # as it would print: changes accepted, comments gone
    draft = prepare_word(data)              # all of it: the hygiene report and the publication PDF

The PDF then goes through the same extraction, detection, redaction and verification as any PDF.
"""

from redaction.word.convert import docx_to_pdf
from redaction.word.hygiene import HiddenItem, channel_counts, hidden_items
from redaction.word.package import Package, PackageLimits, open_package
from redaction.word.prepare import WordDraft, prepare_word
from redaction.word.printable import printable_docx

__all__ = [
    "HiddenItem",
    "Package",
    "PackageLimits",
    "channel_counts",
    "docx_to_pdf",
    "hidden_items",
    "open_package",
    "prepare_word",
    "printable_docx",
    "WordDraft",
]
