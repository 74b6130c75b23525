"""The `rapport` command line (SPEC §6): Typer sub-apps per noun over the services."""
