"""staffplan: workforce and peak-load planning for customer-support teams."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("staffplan")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
