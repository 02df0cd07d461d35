"""``python -m ita_checker`` runs the command line."""

from ita_checker.cli.main import main

main()
