"""`python -m creditbank …` is the `creditbank` command (used to start the background worker)."""

from creditbank.cli.main import main

main()
