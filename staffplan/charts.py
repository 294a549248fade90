"""What every chart shares: text drawn exactly as written.

Queue, scenario and agent names go into titles, legends and tick labels. matplotlib
reads text between two ``$`` as mathtext (TeX-like math) and raises on what it cannot
parse, so a queue called ``$\\x$`` would crash a chart. Every function that draws a chart
is wrapped in :func:`literal_text`, which turns math parsing (and TeX) off while it runs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

Params = ParamSpec("Params")
Drawn = TypeVar("Drawn")


def literal_text(draw: Callable[Params, Drawn]) -> Callable[Params, Drawn]:
    """``draw`` with every text it creates taken literally (no mathtext, no TeX)."""

    @functools.wraps(draw)
    def drawing(*args: Params.args, **kwargs: Params.kwargs) -> Drawn:
        import matplotlib  # only charts load it

        with matplotlib.rc_context({"text.parse_math": False, "text.usetex": False}):
            return draw(*args, **kwargs)

    return drawing
