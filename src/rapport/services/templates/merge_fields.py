"""Checking the merge fields a template uses against the ones delivery provides (SPEC §6).

The template's Jinja syntax tree is walked: every variable it reads from outside must be a
record of `rapport.domain.merge_fields`, and every attribute read from a record one of its
fields. The first unknown field is refused with its line and a did-you-mean.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import nodes

from rapport.domain.merge_fields import MERGE_FIELDS, PLAIN_MERGE_FIELDS, unknown_field_message
from rapport.errors import Text


@dataclass(frozen=True)
class UnknownField:
    """A merge field the template uses that delivery does not provide."""

    written: str
    line: int

    @property
    def message(self) -> Text:
        return unknown_field_message(self.written)


def unknown_fields(tree: nodes.Template) -> list[UnknownField]:
    """The merge fields `tree` reads that are not declared, in the order they appear."""
    from jinja2 import meta

    outside = meta.find_undeclared_variables(tree)
    found: list[UnknownField] = []
    read_as_record: set[int] = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if not isinstance(node, nodes.Getattr | nodes.Getitem):
            continue
        record = node.node
        if not (isinstance(record, nodes.Name) and record.name in outside):
            continue
        read_as_record.add(id(record))
        attribute = _attribute(node)
        if record.name in MERGE_FIELDS and attribute in MERGE_FIELDS[record.name]:
            continue
        written = f"{record.name}.{attribute}" if attribute is not None else record.name
        found.append(UnknownField(written, node.lineno))
    for name in tree.find_all(nodes.Name):
        if (
            name.ctx == "load"
            and name.name in outside
            and id(name) not in read_as_record
            and name.name not in PLAIN_MERGE_FIELDS
        ):
            found.append(UnknownField(name.name, name.lineno))
    return sorted(found, key=lambda f: f.line)


def _attribute(node: nodes.Getattr | nodes.Getitem) -> str | None:
    if isinstance(node, nodes.Getattr):
        return node.attr
    key = node.arg
    return key.value if isinstance(key, nodes.Const) and isinstance(key.value, str) else None
