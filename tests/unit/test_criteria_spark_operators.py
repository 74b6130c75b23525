"""Issue 16: the Spark target declares every operator of the language, and no other."""

from __future__ import annotations

import pytest

from rapport.criteria.operators import OPERATORS

pytestmark = pytest.mark.spark


def test_x1_every_operator_has_its_spark_expression(spark):
    from rapport.criteria.spark_operators import SPARK_OPERATORS

    assert set(SPARK_OPERATORS) == {op.text for op in OPERATORS}
