"""YAML text to plain values, within limits a config never needs to exceed.

A config is a few kilobytes and a few thousand values, a handful of levels deep. The
limits below stop a small file from eating the machine (an alias "bomb" expands nine
aliases per level into millions of values) and from crashing the parser (thousands of
nested brackets exhaust Python's stack). They are checked while the YAML is composed,
before any value is built, so a bad file fails in milliseconds. Duplicate keys are
refused (plain YAML lets the last one win silently). Only YAML's safe tags are read:
nothing in a config is ever executed.
"""

from __future__ import annotations

import itertools
from typing import Any

import yaml

from staffplan.errors import ConfigError, shown

MAX_CONFIG_BYTES = 1_048_576  # 1 MiB; a full example config is under 20 KB
MAX_DEPTH = 32  # nesting levels, counting what aliases expand to; configs use about 6
MAX_VALUES = 200_000  # values once aliases are expanded; a large team needs tens of thousands

_MERGE_TAG = "tag:yaml.org,2002:merge"


class _LimitExceeded(Exception):
    """A limit or rule broken while reading; the message names the line."""


class _LimitedLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader that counts, per node, the values and levels it expands to."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._depth = 0  # open collections around the node being composed
        self._expanded: dict[int, tuple[int, int]] = {}  # id(node) -> (values, levels)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            node = super().compose_node(parent, index)
            if id(node) not in self._expanded:  # its anchor is still open around us
                raise _LimitExceeded(
                    f"line {event.start_mark.line + 1}: the alias *{event.anchor} refers to "
                    "the value that contains it; a config cannot contain itself"
                )
            return node
        self._depth += 1
        if self._depth > MAX_DEPTH:
            line = self.peek_event().start_mark.line + 1
            raise _LimitExceeded(f"line {line}: nested more than {MAX_DEPTH} levels deep")
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        self._expanded[id(node)] = self._measure(node)
        return node

    def _measure(self, node: yaml.Node) -> tuple[int, int]:
        """(values, levels) of ``node`` with every alias below it expanded."""
        if isinstance(node, yaml.ScalarNode):
            return 1, 1
        children = (
            node.value
            if isinstance(node, yaml.SequenceNode)
            else itertools.chain.from_iterable(node.value)
        )
        sizes = [self._expanded[id(child)] for child in children]
        values = 1 + sum(size for size, _ in sizes)
        levels = 1 + max((depth for _, depth in sizes), default=0)
        line = node.start_mark.line + 1
        if values > MAX_VALUES:
            raise _LimitExceeded(
                f"line {line}: more than {MAX_VALUES:,} values once its aliases (*name) are "
                "expanded; a config holds a few thousand, so remove the aliases that repeat "
                "whole lists"
            )
        if levels > MAX_DEPTH:
            raise _LimitExceeded(
                f"line {line}: nested more than {MAX_DEPTH} levels deep once its aliases "
                "(*name) are expanded"
            )
        return values, levels

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            _refuse_duplicate_keys(self, node)
        return super().construct_mapping(node, deep=deep)


def _refuse_duplicate_keys(loader: _LimitedLoader, node: yaml.MappingNode) -> None:
    # before merge keys (<<: *defaults) are flattened in: a key may override a merged one
    first: dict[Any, yaml.Mark] = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE_TAG:
            continue
        key = loader.construct_object(key_node)
        mark = key_node.start_mark
        if key in first:
            earlier = first[key]
            where = (
                f"column {earlier.column + 1} of the same line"
                if earlier.line == mark.line
                else f"line {earlier.line + 1}"
            )
            raise _LimitExceeded(
                f"line {mark.line + 1}: key {shown(key)} is given twice (first at {where}); "
                "keep one"
            )
        first[key] = mark


def read_yaml(text: str, where: str) -> Any:
    """The plain value (dicts, lists, scalars) of YAML ``text``; ``where`` names the file.

    Raises :class:`ConfigError` for text over :data:`MAX_CONFIG_BYTES`, nesting over
    :data:`MAX_DEPTH`, aliases expanding past :data:`MAX_VALUES`, a duplicate key or a
    syntax error, naming the line.
    """
    too_long = len(text) > MAX_CONFIG_BYTES  # characters: fewer than its UTF-8 bytes
    if too_long or len(text.encode("utf-8", errors="surrogatepass")) > MAX_CONFIG_BYTES:
        raise config_too_large(where)
    loader = _LimitedLoader(text)
    try:
        return loader.get_single_data()
    except _LimitExceeded as exc:
        raise ConfigError(f"{where}: {exc}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        position = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
        problem = str(exc.problem)
        problem = problem if len(problem) <= 120 else shown(problem, 120)
        raise ConfigError(f"{where}: YAML syntax error at {position}: {problem}") from None
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: e.g. a date like 2026-13-05
        raise ConfigError(f"{where}: not valid YAML: {shown(str(exc))}") from None
    finally:
        loader.dispose()


def config_too_large(where: str) -> ConfigError:
    """The error for a config over :data:`MAX_CONFIG_BYTES` (checked before reading on)."""
    return ConfigError(
        f"{where}: larger than {MAX_CONFIG_BYTES // 1_048_576} MiB; a config is a few "
        "kilobytes: is this the right file?"
    )
