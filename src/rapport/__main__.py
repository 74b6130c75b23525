"""`python -m rapport`: the same command line as `rapport`."""

from rapport.cli.main import main

main()
