"""One policy for the names a config gives: queues, agents, shift templates, contact
reasons, scenarios and a deflection programme's label.

A name is one line of visible text that every output can carry as it is:

- 1 to :data:`MAX_NAME_CHARS` characters, any script (``王小明``, ``Ana López``,
  ``chat $``), inner spaces allowed;
- no control characters (tab, CR, LF, NUL, ...), no line or paragraph separators, no
  invisible format characters (bidi overrides, zero-width spaces) except the zero-width
  joiner and non-joiner that Persian and Indic names and emoji need, no private-use,
  unassigned or surrogate code points;
- no space at either end;
- not starting with ``= + - @``, which a spreadsheet reads as a formula;
- a queue name has no ``+``: it joins pooled queue names (``pools:``).

Names are refused at load (:func:`check_name`, called by each section), so no output ever
has to change one. The writers still defuse text cells (:func:`defuse_formula`) as a
second line of defence, for text that does not come from the config.

An agent's name also names files (its calendar): :func:`file_stem` maps it to a portable
stem and :func:`file_key` is what two stems are compared by on a case-insensitive file
system; the team section refuses two agents with the same key.
"""

from __future__ import annotations

import re
import unicodedata

from staffplan.config.fields import Invalid

MAX_NAME_CHARS = 100
SHOWN_CHARS = 40  # how much of a refused name a message repeats
POOLED_SEPARATOR = "+"  # joins the queue names of a pool (pools:) in schedule labels
FORMULA_STARTS = ("=", "+", "-", "@")
# Leading characters a spreadsheet skips (or that start a formula themselves).
FORMULA_LEADERS = ("\t", "\r", "\n", "\0")
JOINERS = frozenset("\u200c\u200d")  # zero-width non-joiner and joiner
REFUSED_CATEGORIES = {
    "Cc": "a control character",
    "Cf": "an invisible format character",
    "Cn": "an unassigned code point",
    "Co": "a private-use character",
    "Cs": "a surrogate code point",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
}
FILE_STEM_MAX_BYTES = 200  # UTF-8; with ".ics" and a temp prefix within 255-byte names
WINDOWS_DEVICE_NAMES = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"{port}{n}" for port in ("com", "lpt") for n in (*"123456789", "¹", "²", "³")}
)


def check_name(name: str, key: str, kind: str, *, forbidden: str = "") -> None:
    """Raise :class:`Invalid` at ``key`` if ``name`` breaks the policy (module docstring);
    ``kind`` says what it names ("agent"), ``forbidden`` lists characters this kind must
    not contain."""
    if not name.strip():
        raise Invalid(key, f"the {kind} name must not be empty")
    for position, char in enumerate(name, start=1):
        category = unicodedata.category(char)
        if category in REFUSED_CATEGORIES and char not in JOINERS:
            raise Invalid(
                key,
                f"the {kind} name {shown(name)} has {REFUSED_CATEGORIES[category]} "
                f"(U+{ord(char):04X}) at character {position}; a name is one line of "
                "visible text, so remove it",
            )
    if name != name.strip():
        raise Invalid(key, f"the {kind} name {shown(name)} starts or ends with a space; remove it")
    if len(name) > MAX_NAME_CHARS:
        raise Invalid(
            key,
            f"the {kind} name {shown(name)} is {len(name)} characters long; "
            f"use at most {MAX_NAME_CHARS}",
        )
    if name.startswith(FORMULA_STARTS):
        raise Invalid(
            key,
            f"the {kind} name {shown(name)} starts with {name[0]!r}, which a spreadsheet "
            "reads as a formula; start it with a letter or digit",
        )
    for char in forbidden:
        if char in name:
            raise Invalid(key, f"the {kind} name {shown(name)} contains {char!r}; remove it")


def shown(name: str) -> str:
    """``name`` quoted for a one-line message: escapes visible, at most
    :data:`SHOWN_CHARS` characters."""
    if len(name) <= SHOWN_CHARS:
        return repr(name)
    return f"{name[:SHOWN_CHARS]!r}… ({len(name)} characters)"


def starts_formula(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula: it starts with a tab, CR,
    LF or NUL, or, after any leading spaces and control or format characters, with one of
    ``= + - @`` (the OWASP rule, with the bypass by a leading control character closed)."""
    if text.startswith(FORMULA_LEADERS):
        return True
    for char in text:
        if not (char.isspace() or unicodedata.category(char) in ("Cc", "Cf")):
            return char in FORMULA_STARTS
    return False


def defuse_formula(text: str) -> str:
    """``text`` with a leading ``'`` if a spreadsheet could read it as a formula (see
    :func:`starts_formula`); any other text unchanged, so every name the policy accepts
    is written as it is."""
    return "'" + text if starts_formula(text) else text


def file_stem(name: str) -> str:
    """The name as a portable file name stem: NFC-normalised (macOS stores names
    decomposed), lower case, letters, digits and ``_`` kept, every other run of characters
    one ``-``; at most :data:`FILE_STEM_MAX_BYTES` bytes of UTF-8; a Windows device name
    (``con``, ``nul``, ``com1``, ...) gets a trailing ``_``. ``Ana López`` → ``ana-lópez``."""
    stem = re.sub(r"\W+", "-", unicodedata.normalize("NFC", name)).strip("-_").lower()
    stem = stem.encode()[:FILE_STEM_MAX_BYTES].decode("utf-8", "ignore").rstrip("-_")
    return f"{stem}_" if stem in WINDOWS_DEVICE_NAMES else stem


def file_key(name: str) -> str:
    """What the file of ``name`` is told apart by on a case- and normalisation-insensitive
    file system (Windows, macOS): two names with the same key would share one file."""
    return unicodedata.normalize("NFC", file_stem(name).casefold())
