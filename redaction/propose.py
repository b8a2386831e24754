"""Spans in the detection text -> proposals located on the page (one per page fragment)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from redaction.extract import ExtractedDocument, Loc
from redaction.policy import Policy
from redaction.types import Proposal, Rect, Span, proposal_id

CONTEXT_CHARS = 40
LINE_TOLERANCE = 2.0  # points: characters whose tops differ less than this are on one line


def build_proposals(
    doc: ExtractedDocument, spans: Iterable[Span], policy: Policy, *, include_invisible: bool = True
) -> list[Proposal]:
    labels = _Labeller(policy)
    proposals: list[Proposal] = []
    for span in spans:
        piece = doc.piece_at(span.start)
        channel = piece.channel if piece else "body"
        if channel == "header":
            channel = "body"
        entity = _entity(span)
        label = labels.label(span.category, entity)
        rule = policy.rule(span.category)
        action = rule.action
        if channel == "image" and _whole_picture(doc, span):
            # named for the reviewer; the published box stays plain black: text drawn inside a removed
            # picture's box would make it look like the picture's content survived
            label = PICTURE_LABEL
        context = _context(doc.text, span.start, span.end)
        pages = _rects_by_page(doc.locs[span.start : span.end], padding=1.0 if channel == "image" else 0.0)
        if not pages:  # side channel (metadata, outline...) or plain text: no rectangles
            page = piece.page if piece else None
            proposals.append(
                Proposal(
                    id=proposal_id(channel, page, span.start, span.end, span.category),
                    category=span.category,
                    text=span.text,
                    channel=channel,
                    page=page,
                    rects=(),
                    score=span.score,
                    source=span.source,
                    recognizer=span.recognizer,
                    context=context,
                    entity=entity,
                    label=label,
                    action=action,
                    start=span.start,
                    end=span.end,
                )
            )
            continue
        for page, rects in sorted(pages.items()):
            proposals.append(
                Proposal(
                    id=proposal_id(channel, page, span.start, span.end, span.category),
                    category=span.category,
                    text=span.text,
                    channel=channel,
                    page=page,
                    rects=tuple(rects),
                    score=span.score,
                    source=span.source,
                    recognizer=span.recognizer,
                    context=context,
                    entity=entity,
                    label=label,
                    action=action,
                    start=span.start,
                    end=span.end,
                )
            )
    if include_invisible:
        proposals.extend(_invisible_text(doc, policy))
    return proposals


def _invisible_text(doc: ExtractedDocument, policy: Policy) -> list[Proposal]:
    """White-on-white, tiny and transparent text is removed whole: nobody can read it to check it."""
    out = []
    for page, x0, y0, x1, y1 in doc.invisible:
        out.append(
            Proposal(
                id=proposal_id("hidden", page, round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1)),
                category="HIDDEN_TEXT",
                text="",
                channel="hidden",
                page=page,
                rects=((x0, y0, x1, y1),),
                score=1.0,
                source="channel",
                recognizer="InvisibleText",
                context="",
                entity="hidden-text",
                label=None,
                action=policy.rule("HIDDEN_TEXT").action if policy.redacts("HIDDEN_TEXT") else "remove",
            )
        )
    return out


def _entity(span: Span) -> str:
    if span.source in ("register", "propagation") and ":" in span.recognizer:
        return span.recognizer
    return f"{span.category.lower()}:{' '.join(span.text.lower().split())}"


def _context(text: str, start: int, end: int) -> str:
    before = text[max(0, start - CONTEXT_CHARS) : start].replace("\n", " ")
    after = text[end : end + CONTEXT_CHARS].replace("\n", " ")
    return f"{before}[{text[start:end]}]{after}"


#: the review screen's name for a picture removed whole (a photographed form, a screenshot); the reviewer
#: can restore it
PICTURE_LABEL = "image removed"


def _whole_picture(doc: ExtractedDocument, span: Span) -> bool:
    locs = [loc for loc in doc.locs[span.start : span.end] if loc is not None]
    return bool(locs) and all(loc in doc.pictures for loc in locs)


def _rects_by_page(locs: list[Loc | None], padding: float) -> dict[int, list[Rect]]:
    """Merges the boxes of consecutive characters on one line into one rectangle."""
    pages: dict[int, list[Rect]] = defaultdict(list)
    current: list[float] | None = None
    current_page = -1
    for loc in locs:
        if loc is None:
            continue
        page, x0, y0, x1, y1 = loc
        if (
            current is not None
            and page == current_page
            and abs(y0 - current[1]) < LINE_TOLERANCE
            and x0 >= current[0] - 1
        ):
            current[2] = max(current[2], x1)
            current[3] = max(current[3], y1)
            current[1] = min(current[1], y0)
            continue
        if current is not None:
            pages[current_page].append(_pad(current, padding))
        current, current_page = [x0, y0, x1, y1], page
    if current is not None:
        pages[current_page].append(_pad(current, padding))
    # OCR words map every character to the word box: drop exact duplicates.
    return {p: list(dict.fromkeys(rs)) for p, rs in pages.items()}


def _pad(r: list[float], padding: float) -> Rect:
    return (r[0] - padding, r[1] - padding, r[2] + padding, r[3] + padding)


class _Labeller:
    """The same entity gets the same label throughout the document ("Person 3")."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.numbers: dict[str, dict[str, int]] = defaultdict(dict)

    def label(self, category: str, entity: str) -> str | None:
        template = self.policy.rule(category).label
        if not template:
            return None
        if "{n}" not in template:
            return template
        group = "person" if category in ("PERSON", "NICKNAME") else category
        numbers = self.numbers[group]
        numbers.setdefault(entity, len(numbers) + 1)
        return template.format(n=numbers[entity])
