"""Walking a tree of any depth without recursion (X1): criteria of any size, a 5,000-deep
`not not … x` or a 100 KB `or` chain, are parsed, rendered, compared and compiled by loops
over an explicit stack, never by Python calls as deep as the tree.

`fold(root, kids, build)` visits the tree bottom-up: `kids(node, context)` lists a node's
children each with the context it is read in (the relation a condition is inside), and
`build(node, context, results)` makes the node's result from its children's results.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

N = TypeVar("N")
C = TypeVar("C")
R = TypeVar("R")

Kids = Callable[[N, C], Sequence[tuple[N, C]]]
Build = Callable[[N, C, list[R]], R]


def fold(root: N, context: C, kids: Kids[N, C], build: Build[N, C, R]) -> R:
    """The result of `build` at the root, children's results made first (post-order)."""
    todo: list[tuple[N, C, int]] = [(root, context, -1)]
    results: list[R] = []
    while todo:
        node, ctx, count = todo.pop()
        if count < 0:
            children = kids(node, ctx)
            todo.append((node, ctx, len(children)))
            todo.extend((child, child_ctx, -1) for child, child_ctx in reversed(children))
            continue
        made = results[len(results) - count :] if count else []
        if count:
            del results[len(results) - count :]
        results.append(build(node, ctx, made))
    return results[0]


def same(left: Any, right: Any) -> bool:
    """Whether two criteria trees are equal, compared level by level with a loop (a frozen
    dataclass's `==` recurses as deep as the tree)."""
    pairs = [(left, right)]
    while pairs:
        a, b = pairs.pop()
        if type(a) is not type(b):
            return False
        if isinstance(a, tuple):
            if len(a) != len(b):
                return False
            pairs.extend(zip(a, b, strict=True))
        elif hasattr(a, "__dataclass_fields__"):
            pairs.extend((getattr(a, name), getattr(b, name)) for name in a.__dataclass_fields__)
        elif a != b:
            return False
    return True
