"""The lake (issue 16, X10): the contact base as Parquet for the Spark engine.

Use cases: `export_lake` (exports.py) writes every table the criteria read; `check_lake`
(checks.py) validates a lake written by Rapport or by other tools against that schema and
counts the contact nos. it has that the database does not. `staging.py` stages contact nos.
read back from Spark in a temporary table inside a caller's transaction; `parquet.py` holds
the Arrow side of the schema and the reading of a lake by Spark.
"""
