"""The ``cli`` and ``sims`` fixtures of ``test_cli`` for the other CLI test modules."""

from tests.cli.test_cli import cli, sims  # noqa: F401 - fixtures
