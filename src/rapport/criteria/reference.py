"""The generated parts of the language reference, docs/criteria-language.md (X1): the
operator, field and relation tables of every subject, and the JSON Schema of the tree, from
the declarations themselves. `make docs` rewrites them; a test fails when they are stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rapport.criteria.fields import CONTACTS, RELATIONS, Field
from rapport.criteria.operators import OPERATORS, ValueType, taken_by
from rapport.criteria.schema import json_schema
from rapport.criteria.subjects import SUBJECTS

DOC = Path("docs/criteria-language.md")


def _row(field: Field) -> str:
    kind = field.type.value
    if field.choices:
        kind += ": " + ", ".join(f"`{c}`" if c else "`''`" for c in field.choices)
    names = " or ".join(f"`{name}`" for name in (field.name, *field.aliases))
    return f"| {names} | {field.label} | {kind} |"


_HEAD = "| field | means | type |\n|---|---|---|"


def reference_tables() -> str:
    """The operator, field and relation tables of docs/criteria-language.md, from the
    operator declarations and the registry of every subject."""
    out = ["### Operators by type", "", "| type | operators |", "|---|---|"]
    out += [
        f"| {kind.value} | {', '.join(f'`{op}`' for op in taken_by(kind))} |" for kind in ValueType
    ]
    out += ["", "### Operators", "", "| operator | reads |", "|---|---|"]
    out += [f"| `{op.text}` | {op.say('FIELD', 'V', kind=ValueType.TEXT)} |" for op in OPERATORS]
    out += ["", "### Contact fields", "", _HEAD, *(_row(f) for f in CONTACTS.fields.values())]
    for rel in RELATIONS.values():
        where = "the contact's company (a company: itself)" if rel.on_company else "the contact"
        out += ["", f"### `{rel.name}(…)`: {rel.label} rows of {where}", ""]
        if rel.shorthand:
            out += [f"`{rel.name} = V` means `{rel.name}({rel.shorthand} = V)`.", ""]
        out += [_HEAD, *(_row(f) for f in rel.fields.values())]
    for other in SUBJECTS.values():
        if other is not CONTACTS:
            out += ["", f"### Subject `{other.name}`: {other.label} fields", "", _HEAD]
            out += [_row(f) for f in other.fields.values()]
    return "\n".join(out) + "\n"


def schema_text() -> str:
    """The JSON Schema of criteria on contacts, one alternative per line."""
    schema = json_schema()
    defs: dict[str, Any] = schema.pop("$defs")
    out = ["```json", json.dumps(schema, ensure_ascii=False)[:-1] + ', "$defs": {']
    for number, (name, definition) in enumerate(defs.items()):
        out.append(f'  "{name}": {{"oneOf": [')
        items = [json.dumps(item, ensure_ascii=False) for item in definition["oneOf"]]
        out += [f"    {item}," for item in items[:-1]] + [f"    {items[-1]}"]
        out.append("  ]}" + ("," if number < len(defs) - 1 else ""))
    out += ["}}", "```"]
    return "\n".join(out) + "\n"


def generated(text: str, part: str) -> str:
    """The part of the document between `<!-- part:begin -->` and `<!-- part:end -->`."""
    return text.split(f"<!-- {part}:begin -->\n")[1].split(f"<!-- {part}:end -->")[0]


def regenerated(text: str, part: str, fresh: str) -> str:
    """The document with `fresh` between the markers of `part`."""
    head, rest = text.split(f"<!-- {part}:begin -->\n")
    tail = rest.split(f"<!-- {part}:end -->")[1]
    return f"{head}<!-- {part}:begin -->\n{fresh}<!-- {part}:end -->{tail}"


def main() -> None:
    """Rewrite the generated parts of docs/criteria-language.md (used by `make docs`)."""
    text = DOC.read_text()
    for part, fresh in (("fields", reference_tables()), ("schema", schema_text())):
        text = regenerated(text, part, fresh)
    DOC.write_text(text)


if __name__ == "__main__":
    main()
