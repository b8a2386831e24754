"""Matching rules shared by detection, rendering and verification.

One definition of "the same text" for the whole engine: if the engine redacts with a looser rule than
verification checks, or verification checks with a looser rule than the publication scorer, a name can
slip through the gap. The rules mirror ``../shared/eval/score.py`` (NFKC, straight quotes, no soft
hyphens or non-breaking spaces, case-insensitive, word-bounded, whitespace- and line-end-hyphen-tolerant)
and are a superset of it: every extra normalisation here (en dashes, zero-width characters, missing
spaces between tokens) only makes a match *more* likely.

Variants that need no extra entries because the pattern already covers them:

* possessives - ``Tyler's``, ``Tyler’s``, ``Morris'``: the pattern is bounded by ``(?!\\w)``, and an
  apostrophe is not a word character, so ``Tyler`` matches inside ``Tyler's``;
* ALL-CAPS and other casings - ``TYLER MORRIS``: the pattern is case-insensitive;
* line breaks and runs of spaces between tokens - ``Tyler\\nMorris``: tokens are joined by ``\\s*``;
* a hyphenated name broken at a line end - ``Ellie-\\nMae``: a hyphen matches ``\\s*-\\s*``;
* a word hyphenated at a line end - ``Mor-\\nris``: :func:`dehyphenate` joins it before matching;
* an e-mail address, a web address or a file path broken at a line end after ``@``, ``.`` or ``/`` -
  ``kelly.m88@\\nexample.org``: whitespace may sit around those characters inside a token.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from redaction.lexicon import is_common_word

# Characters folded before matching. NFKC already turns NBSP, narrow NBSP, ligatures and full-width
# forms into their plain equivalents; these are the ones it leaves alone.
_HYPHENS = "\u2010\u2011\u2012\u2013\u2014\u2212\ufe58\ufe63\uff0d"
_CHAR_MAP = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00a0": " ",
        "\u202f": " ",
        "\u2007": " ",
        **{h: "-" for h in _HYPHENS},
        # Invisible characters that can sit inside a word without changing how it looks: a name with a
        # zero-width space in the middle is still the name.
        "\u00ad": "",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\u2060": "",
        "\ufeff": "",
        "\u200e": "",
        "\u200f": "",
    }
)
_LINE_END_HYPHEN = re.compile(r"(\w)[-\u00ad" + _HYPHENS + r"][ \t]*\r?\n\s*(\w)")
_WORD_CHAR = re.compile(r"\w")
# Word bounds of every pattern: a letter or digit may not touch a match, an underscore may. "_" is a word
# character to Python, but in "tyler_morris" (a handle, a file name) and "compiler_options" (an
# identifier in body text) it separates words: verification reads it as a space too, so the engine must
# find and remove what verification would find.
_BEFORE, _AFTER = r"(?<![^\W_])", r"(?![^\W_])"


def normalise(text: str | None) -> str:
    """NFKC, straight quotes, plain spaces, ASCII hyphens, no soft hyphens or zero-width characters."""
    return unicodedata.normalize("NFKC", text or "").translate(_CHAR_MAP)


def dehyphenate(text: str) -> str:
    """Join words split by a hyphen at a line end ("Mor-\\nris" -> "Morris").

    Works on raw or normalised text (soft and Unicode hyphens are recognised too). A genuinely
    hyphenated name split at a line end ("Ellie-\\nMae") becomes "EllieMae" here; it is still found in
    the text as extracted, which is why callers search both readings.
    """
    return _LINE_END_HYPHEN.sub(r"\1\2", text)


def readings(text: str) -> tuple[str, ...]:
    """The normalised text as extracted and, if different, with line-end hyphens joined."""
    plain = normalise(text)
    joined = normalise(dehyphenate(text))
    return (plain,) if joined == plain else (plain, joined)


def _atoms(item: str) -> list[str]:
    """An item as a sequence of matching atoms: lower-cased characters, ``" "`` (any whitespace,
    possibly none) between tokens and ``"-"`` (a hyphen, optionally surrounded by whitespace)."""
    atoms: list[str] = []
    for i, token in enumerate(normalise(item).split()):
        if i and atoms[-1] != "-" and not token.startswith("-"):
            atoms.append(" ")
        for ch in token:
            low = ch.lower()
            atoms.append(low if len(low) == 1 else ch)
    return atoms


#: characters inside a token where a line may break without a hyphen (e-mail and web addresses, paths)
_BREAKABLE = frozenset("@./")


def _atom_regex(atom: str) -> str:
    # possessive (*+): whitespace is never given back, so runs of spaces next to one another cannot
    # make the search backtrack (a register address "Flat 3 / 12 High Street" against 2,000 spaces)
    if atom in _BREAKABLE:
        return r"\s*+" + re.escape(atom) + r"\s*+"
    if atom == " ":
        # \s* rather than \s+: extractors (pypdf especially) drop the space between two words drawn
        # as separate strings, and "TylerMorris" identifies the child as well as "Tyler Morris" does.
        # An underscore joins words too ("tyler_morris", ".../wiki/Linux_namespaces").
        return r"[\s_]*+"
    if atom == "-":
        return r"\s*+-\s*+"
    return re.escape(atom)


def variant_pattern(item: str) -> re.Pattern[str]:
    """Case-insensitive, word-bounded, whitespace- and hyphen-tolerant pattern for one item.

    Search it in :func:`normalise`\\ d text (and in the :func:`dehyphenate`\\ d reading).
    """
    body = "".join(_atom_regex(a) for a in _atoms(item))
    return re.compile(_BEFORE + body + _AFTER, re.IGNORECASE)


def variants(item: str) -> set[str]:
    """The literal strings an item must be searched as.

    Only the normalised item itself: possessives ("X's", "X’s"), ALL-CAPS and other casings, line
    breaks and hyphenation are all covered by :func:`variant_pattern` (see the module docstring), so
    they need no entries of their own. Register-derived forms (initials, title + surname, dates
    written differently) are different items and are generated by the register, not here.
    """
    text = " ".join(normalise(item).split())
    return {text} if text else set()


def match_key(text: str) -> str:
    """Canonical form of an item or of a matched span: equal keys mean the pattern matches.

    Used to name which item a combined-pattern match belongs to.
    """
    return re.sub(r"[\s_]+", "", normalise(text)).lower()


class _Trie:
    __slots__ = ("children", "terminal")

    def __init__(self) -> None:
        self.children: dict[str, _Trie] = {}
        self.terminal = False


def _trie_regex(root: _Trie) -> str:
    """The regex of a trie, built bottom-up without recursion (an address can be hundreds of atoms)."""
    order: list[_Trie] = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(node.children.values())
    regex: dict[int, str] = {}
    for node in reversed(order):  # children before parents
        alternatives = [_atom_regex(atom) + regex.pop(id(child)) for atom, child in sorted(node.children.items())]
        if not alternatives:
            regex[id(node)] = ""
            continue
        body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        # Greedy optional when an item ends here: the longer item is tried first ("Tyler Morris"
        # before "Tyler"), and the shorter one still matches if the longer does not.
        regex[id(node)] = "(?:" + body + ")?" if node.terminal else body
    return regex[id(root)]


def combined_pattern(items: Iterable[str]) -> re.Pattern[str] | None:
    """ONE pattern matching any of the items, with the same rules as :func:`variant_pattern`.

    Built as a prefix trie so that the regex engine tries only the branches that share the text's next
    character: one alternation of 2000 names would try every name at every position, a trie tries a
    handful. Longer items win over their prefixes. Returns None for no items.
    """
    root = _Trie()
    count = 0
    for item in items:
        atoms = _atoms(item)
        if not atoms:
            continue
        node = root
        for atom in atoms:
            node = node.children.setdefault(atom, _Trie())
        node.terminal = True
        count += 1
    if not count:
        return None
    return re.compile(_BEFORE + "(?:" + _trie_regex(root) + ")" + _AFTER, re.IGNORECASE)


# Separates the parts of a channel (pages, outline entries) and stands in for removed text: neither
# whitespace nor a word character to Python's regular expressions, so no pattern's \s* bridges it and no
# match starts or ends inside it. ("\x1f" would not do: str.isspace() is true for \x1c-\x1f.)
SEPARATOR_CHAR = "\u241e"  # SYMBOL FOR RECORD SEPARATOR

_INITIALS = re.compile(r"[A-Z]{2,3}")


def exact_case(item: str) -> bool:
    """Initials that are also a word ("AH", "AN", "AS") are matched in capitals only: "ah, well" is not
    Amira Hussain. Every other item is matched in any case ("Brook" as "brook" too), as the publication
    scorer reads it."""
    token = normalise(item).strip()
    return bool(_INITIALS.fullmatch(token)) and is_common_word(token)


def exact_pattern(items: Iterable[str]) -> re.Pattern[str] | None:
    """ONE case-sensitive, word-bounded pattern for :func:`exact_case` items. None for no items."""
    words = sorted({normalise(item).strip() for item in items}, key=lambda w: (-len(w), w))
    if not words:
        return None
    return re.compile(_BEFORE + "(?:" + "|".join(map(re.escape, words)) + ")" + _AFTER)


def patterns(items: Iterable[str]) -> list[re.Pattern[str]]:
    """The patterns that find every item: one for the items matched in any case, one for the
    :func:`exact_case` items."""
    items = list(items)
    found = [combined_pattern(i for i in items if not exact_case(i)), exact_pattern(i for i in items if exact_case(i))]
    return [p for p in found if p is not None]


def is_word_char(ch: str) -> bool:
    return bool(_WORD_CHAR.match(ch))
