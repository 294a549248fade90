"""``python -m staffplan``: the same as the ``staffplan`` command."""

from staffplan.cli import main

main()
