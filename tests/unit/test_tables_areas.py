"""The ORM classes by area (storage/tables): the package's list of each area's classes
names every class its module defines, so that a class asked for by name maps its area."""

from __future__ import annotations

import importlib
import inspect

import pytest

from rapport.storage import schema, tables


@pytest.mark.parametrize("area", [area for area in tables.AREAS if area != "_base"])
def test_x10_each_area_lists_the_classes_its_module_defines(area):
    module = importlib.import_module(f"rapport.storage.tables.{area}")
    defined = {
        name
        for name, value in vars(module).items()
        if inspect.isclass(value) and value.__module__ == module.__name__
    }
    assert defined == set(tables.AREAS[area])


def test_x10_every_table_of_the_schema_has_its_class_and_a_class_one_table():
    classes = [getattr(tables, name) for names in tables.AREAS.values() for name in names]
    mapped = [tables.table_of(model) for model in classes if model is not tables.Base]
    assert len({table.name for table in mapped}) == len(mapped)
    assert {table.name for table in mapped} == set(schema.metadata.tables)


def test_x10_a_name_that_is_no_class_is_an_attribute_error():
    with pytest.raises(AttributeError, match="NoSuchModel"):
        tables.NoSuchModel  # noqa: B018 (the access is the test)
