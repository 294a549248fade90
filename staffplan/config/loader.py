"""Load the YAML config into frozen dataclasses, with precise messages.

The schema is the dataclasses themselves: every field's type hint says what YAML value is
accepted, range metadata from :mod:`staffplan.config.fields` says which numbers are
allowed, and ``__post_init__`` checks rules that span fields. Every problem becomes a
:class:`~staffplan.errors.ConfigError` naming the file, the key path
(``queues[1].target.service_level``) and what to do; unknown keys get a "did you mean".
YAML is read by :mod:`staffplan.config.safe_yaml` (safe tags only, size, nesting and alias
limits, duplicate keys refused); echoed values are cut short.
"""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import datetime as dt
import math
import re
import types
import typing
from pathlib import Path
from typing import Any, Literal

from staffplan.config.fields import Invalid, closest
from staffplan.config.model import Config
from staffplan.config.safe_yaml import MAX_CONFIG_BYTES, config_too_large, read_yaml
from staffplan.errors import ConfigError, shown


def load_config(path: str | Path) -> Config:
    """Read and validate the YAML config at ``path``.

    Relative data paths inside it are resolved against the config file's folder, so a
    cron job gets the same files whatever its working directory.
    """
    path = Path(path)
    try:
        with path.open("rb") as file:
            data = file.read(MAX_CONFIG_BYTES + 1)  # never more: /dev/zero is a "file" too
        if len(data) > MAX_CONFIG_BYTES:
            raise config_too_large(str(path))
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found; pass --config PATH") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder; pass the YAML config file") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason}); save it as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config ({exc.strerror})") from None
    return parse_config(text, source=path)


def parse_config(text: str, source: Path | None = None) -> Config:
    """Validate YAML ``text`` into a :class:`Config` (``source`` names it in messages)."""
    where = str(source) if source else "config"
    raw = read_yaml(text, where)
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping of keys (timezone:, queues:, ...)")
    base = source.parent if source else Path.cwd()
    raw = {**raw, "source": source}
    return _build(Config, raw, "", _Context(where, base))


@dataclasses.dataclass(frozen=True)
class _Context:
    where: str
    base: Path

    def error(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.where}: {key or 'top level'}: {problem}")


def _join(path: str, key: str) -> str:
    key = key if len(key) <= 60 else shown(key)
    return f"{path}.{key}" if path else key


def _build(cls: type, raw: Any, path: str, ctx: _Context) -> Any:
    if not isinstance(raw, dict):
        raise ctx.error(path, f"expected a mapping of keys, got {_describe(raw)}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    public = [n for n, f in fields.items() if not f.metadata.get("internal")]
    for key in raw:
        if key not in fields or (fields[key].metadata.get("internal") and path):
            hint = closest(str(key)[:60], public)
            allowed = ", ".join(public)
            suggestion = f"; did you mean {hint!r}?" if hint else f"; allowed: {allowed}"
            raise ctx.error(_join(path, str(key)), f"unknown key{suggestion}")
    hints = typing.get_type_hints(cls)
    values = {}
    for name, field in fields.items():
        key_path = _join(path, name)
        if name not in raw:
            required = field.default is dataclasses.MISSING
            if required and field.default_factory is dataclasses.MISSING:
                raise ctx.error(key_path, "missing; this key is required")
            continue
        if field.metadata.get("internal"):
            values[name] = raw[name]
            continue
        values[name] = _convert(hints[name], raw[name], key_path, ctx)
        _check_range(field, values[name], key_path, ctx)
    try:
        return cls(**values)
    except Invalid as exc:
        raise ctx.error(_join(path, exc.key), exc.problem) from None


def _check_range(field: dataclasses.Field, value: Any, path: str, ctx: _Context) -> None:
    if "range" not in field.metadata or value is None:
        return
    low, high = field.metadata["range"]
    unit = f" {field.metadata['unit']}" if field.metadata.get("unit") else ""
    kind = field.metadata["kind"]
    if kind == "share" and not 0.0 <= value <= 1.0:
        hint = f"; write {value / 100:g} for {value:g}%" if 1.0 < value <= 100.0 else ""
        raise ctx.error(path, f"{value:g} is not a share between 0 and 1{hint}")
    if kind == "positive" and not value > low:
        raise ctx.error(path, f"must be greater than 0{unit}, got {value:g}")
    if kind == "non_negative" and not value >= low:
        raise ctx.error(path, f"must be 0 or more{unit}, got {value:g}")
    if high is not None and value > high:
        raise ctx.error(path, f"must be at most {high:g}{unit}, got {value:g}")


def read_only(mapping: dict) -> types.MappingProxyType:
    """A read-only view of ``mapping``: how the config holds its mappings."""
    return types.MappingProxyType(mapping)


def _pickled_proxy(proxy: types.MappingProxyType) -> tuple[Any, tuple[dict]]:
    """How a read-only mapping of the config is pickled: by :func:`read_only` of a copy
    (pickle finds no ``mappingproxy`` to call in ``builtins``)."""
    return read_only, (dict(proxy),)


# Mappings in the config are read-only views, which pickle cannot take by itself; the
# processes engine sends the config to its workers by pickle (dask's cloudpickle can).
copyreg.pickle(types.MappingProxyType, _pickled_proxy)


def _convert(hint: Any, value: Any, path: str, ctx: _Context) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        if value is None and type(None) in args:
            return None
        return _convert(_union_member(args, value), value, path, ctx)
    if origin is Literal:
        if value not in args or isinstance(value, bool):
            allowed = ", ".join(repr(a) for a in args)
            raise ctx.error(path, f"{shown(value)} is not allowed; use one of {allowed}")
        return value
    if origin is tuple:
        if not isinstance(value, list):
            raise ctx.error(path, f"expected a list, got {_describe(value)}")
        item = args[0]
        return tuple(_convert(item, v, f"{path}[{i}]", ctx) for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise ctx.error(path, f"expected a mapping, got {_describe(value)}")
        key_type, item = args
        return read_only(
            {
                _convert(key_type, k, path, ctx): _convert(item, v, _join(path, str(k)), ctx)
                for k, v in value.items()
            }
        )
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, path, ctx)
    return _scalar(hint, value, path, ctx)


def _union_member(args: tuple[Any, ...], value: Any) -> Any:
    """The member of a union the YAML ``value`` is read as: the one shaped like it (a
    list is a tuple, a mapping a dict) when the union has several, else its only one."""
    members = [a for a in args if a is not type(None)]
    shaped = {list: tuple, dict: dict}.get(type(value))
    for member in members:
        if typing.get_origin(member) is shaped:
            return member
    return members[0]


def _scalar(hint: Any, value: Any, path: str, ctx: _Context) -> Any:
    if hint is bool:
        if not isinstance(value, bool):
            raise ctx.error(path, f"expected true or false, got {_describe(value)}")
        return value
    if hint in (int, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ctx.error(path, f"expected a number, got {_describe(value)}{_as_number(value)}")
        if not math.isfinite(value):
            raise ctx.error(path, f"expected a finite number, got {value}")
        if hint is int:
            if value != int(value):
                raise ctx.error(path, f"expected a whole number, got {value}")
            return int(value)
        return float(value)
    if hint is str:
        if isinstance(value, dt.date):
            raise ctx.error(path, f"expected text, got the date {value}; quote it: '{value}'")
        if not isinstance(value, str):
            raise ctx.error(path, f"expected text, got {_describe(value)}")
        return value
    if hint is dt.date:
        return _date(value, path, ctx)
    if hint is Path:
        if not isinstance(value, str) or not value.strip():
            raise ctx.error(path, f"expected a file path, got {_describe(value)}")
        return (ctx.base / Path(value).expanduser()).resolve()
    raise TypeError(f"config type {hint!r} at {path} is not supported by the loader")


def _date(value: Any, path: str, ctx: _Context) -> dt.date:
    # YAML reads an unquoted 2026-01-05 as a date already; quoted text is parsed here
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(value.strip())
    raise ctx.error(path, f"expected a date like 2026-01-05, got {_describe(value)}")


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, str):
        return f"text {shown(value)}"
    return shown(value)


def _as_number(value: Any) -> str:
    """A hint for a number YAML read as text: ``1e9`` (YAML 1.1 floats need a dot and a
    signed exponent, ``1.0e+9``) or a quoted ``"420"``; empty if it is no number."""
    if not isinstance(value, str):
        return ""
    exponent = _EXPONENT.fullmatch(value.strip())
    if exponent:
        whole, fraction, sign, power = exponent.groups()
        number = float(value)
        plain = f"{int(number)} or " if number.is_integer() and abs(number) < 1e16 else ""
        return (
            f" (YAML reads an exponent without a dot as text); write {plain}"
            f"{whole}.{fraction or 0}e{sign or '+'}{power}"
        )
    try:
        number = float(value)
    except ValueError:
        return ""
    return "; remove the quotes around the number" if math.isfinite(number) else ""


_EXPONENT = re.compile(r"([-+]?[0-9]+)(?:\.([0-9]*))?[eE]([-+]?)([0-9]+)")
