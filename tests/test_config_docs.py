"""Every config key is shown, with a comment, in ``configs/example.yaml``.

The rule, strict on purpose so that a new dataclass field fails here until it is
documented:

1. The key paths are every field of :class:`~staffplan.config.Config`, recursively,
   except fields marked ``metadata={"internal": True}``: through optional sections
   (``X | None``), lists of sections (``tuple[X, ...]``, written ``[]`` in the path, e.g.
   ``queues[].aht_s``) and mappings of sections (``dict[str, X]``, written ``.*``).
2. A key is *shown* where it appears in its parent mapping in the YAML (for a list, in
   at least one item), or where a comment line inside the parent's block reads
   ``# key: ...`` (an alternative the example does not set, e.g. a key that would change
   the demo). The parent's block runs from the parent's key line to its value's last line
   (the whole file at the top level).
3. A key is *documented* where it is shown by such a ``# key:`` line, or where one of its
   occurrences stands alone on its line with a trailing ``# comment``, or stands directly
   below a comment line at its own indentation (not as the first key of a list item: the
   comment above a list item describes the list).
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from pathlib import Path

import pytest
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from staffplan.config import Config

EXAMPLE = Path(__file__).resolve().parents[1] / "configs" / "example.yaml"


@dataclasses.dataclass
class Parents:
    """The YAML mappings that hold one dataclass's keys, and the blocks around them
    (first and last line, 0-based) where a ``# key:`` comment documents a key."""

    mappings: list[MappingNode]
    blocks: list[tuple[int, int]]


def problems(cls: type, text: str) -> list[str]:
    """Every key path of ``cls`` that ``text`` does not show or does not document."""
    root = yaml.compose(text)
    assert isinstance(root, MappingNode), "the example must be a mapping"
    lines = text.splitlines()
    keys_per_line: dict[int, int] = {}
    for node in _mappings(root):
        for key, _ in node.value:
            keys_per_line[key.start_mark.line] = keys_per_line.get(key.start_mark.line, 0) + 1
    found: list[str] = []
    _visit(cls, Parents([root], [(0, len(lines))]), "", lines, keys_per_line, found)
    return found


def _visit(
    cls: type, parents: Parents, prefix: str, lines: list[str], per_line: dict, found: list
) -> None:
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(cls):
        if field.metadata.get("internal"):
            continue
        path = f"{prefix}.{field.name}" if prefix else field.name
        pairs = [
            (key, value, node)
            for node in parents.mappings
            for key, value in node.value
            if isinstance(key, ScalarNode) and key.value == field.name
        ]
        in_comment = any(_comment_names(lines, block, field.name) for block in parents.blocks)
        if not pairs and not in_comment:
            found.append(f"{path}: not shown")
            continue
        if not in_comment and not any(
            _commented(key, node, lines, per_line) for key, _, node in pairs
        ):
            found.append(f"{path}: shown without a comment")
        child, suffix = _section(hints[field.name])
        if child is not None:
            below = _children(pairs, suffix)
            _visit(child, below, path + suffix, lines, per_line, found)


def _section(hint: typing.Any) -> tuple[type | None, str]:
    """The dataclass inside a field's type (None for a plain value) and its path suffix."""
    if typing.get_origin(hint) in (types.UnionType, typing.Union):
        members = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(members) > 1:  # a value of several shapes (a pair or a mapping of pairs)
            return None, ""
        (hint,) = members
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple and dataclasses.is_dataclass(args[0]):
        return args[0], "[]"
    if origin is dict and dataclasses.is_dataclass(args[1]):
        return args[1], ".*"
    return (hint, "") if dataclasses.is_dataclass(hint) else (None, "")


def _children(pairs: list[tuple[Node, Node, MappingNode]], suffix: str) -> Parents:
    mappings, blocks = [], []
    for key, value, _ in pairs:
        blocks.append((key.start_mark.line, value.end_mark.line))
        if suffix == "[]" and isinstance(value, SequenceNode):
            mappings += [item for item in value.value if isinstance(item, MappingNode)]
        elif suffix == ".*" and isinstance(value, MappingNode):
            mappings += [item for _, item in value.value if isinstance(item, MappingNode)]
        elif isinstance(value, MappingNode):
            mappings.append(value)
    return Parents(mappings, blocks)


def _mappings(node: Node) -> typing.Iterator[MappingNode]:
    if isinstance(node, MappingNode):
        yield node
        for _, value in node.value:
            yield from _mappings(value)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            yield from _mappings(item)


def _comment_names(lines: list[str], block: tuple[int, int], name: str) -> bool:
    pattern = re.compile(rf"^\s*#\s*{re.escape(name)}:")
    return any(pattern.match(line) for line in lines[block[0] : block[1] + 1])


def _commented(key: Node, node: MappingNode, lines: list[str], per_line: dict) -> bool:
    line, column = key.start_mark.line, key.start_mark.column
    if per_line[line] != 1:
        return False
    if re.search(r"\s#", lines[line][column:]):
        return True
    first_of_item = node.value[0][0] is key and lines[line][:column].rstrip().endswith("-")
    above = lines[line - 1] if line else ""
    return not first_of_item and above[:column].strip() == "" and above[column:].startswith("#")


def test_example_config_shows_and_documents_every_key():
    found = problems(Config, EXAMPLE.read_text(encoding="utf-8"))
    assert not found, "configs/example.yaml misses (add each with a comment):\n" + "\n".join(found)


@dataclasses.dataclass(frozen=True)
class _Inner:
    minutes: int = 30


@dataclasses.dataclass(frozen=True)
class _Outer:
    name: str
    items: tuple[_Inner, ...] = ()
    by_name: dict[str, _Inner] | None = None
    source: Path | None = dataclasses.field(default=None, metadata={"internal": True})


_DOCUMENTED = """\
name: a  # the name
items:  # a list
  - minutes: 15  # break length
by_name:  # a mapping
  x:
    minutes: 5  # break length
"""


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("", "", []),
        ("name: a  # the name", "# the name\nname: a", []),
        ("name: a  # the name", "name: a", ["name: shown without a comment"]),
        (
            "by_name:  # a mapping\n  x:\n    minutes: 5  # break length\n",
            "",
            ["by_name: not shown"],
        ),
        (
            "  - minutes: 15  # break length",
            "  - {minutes: 15}",
            ["items[].minutes: shown without a comment"],
        ),
        ("  - minutes: 15  # break length", "  # minutes: break length\n  - {minutes: 15}", []),
        (
            "  - minutes: 15  # break length",
            "  # about the list\n  - minutes: 15",
            ["items[].minutes: shown without a comment"],
        ),
        (
            "    minutes: 5  # break length",
            "    minutes: 5",
            ["by_name.*.minutes: shown without a comment"],
        ),
        ("  x:\n    minutes: 5  # break length", "  x: {}", ["by_name.*.minutes: not shown"]),
    ],
)
def test_the_rule_flags_missing_and_uncommented_keys(old: str, new: str, expected: list[str]):
    assert old in _DOCUMENTED
    assert problems(_Outer, _DOCUMENTED.replace(old, new, 1)) == expected
