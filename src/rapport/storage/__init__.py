"""Storage: the tables, the engine and its migrations, number series."""
