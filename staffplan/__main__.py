"""``python -m staffplan``: the same as the ``staffplan`` command."""

from staffplan.cli import app

app(prog_name="staffplan")
