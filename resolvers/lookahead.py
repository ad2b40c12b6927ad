"""Look-ahead: which fields the client asked for below the field being resolved.

A resolver that returns a list of objects can fetch, once, what those objects'
fields will need (``resolvers/stitching.py``) instead of each object fetching on
its own: the difference between one coroutine per judgment and field and one
gather per page. Fragments (named and inline) are flattened; ``@skip`` and
``@include`` are evaluated as the execution evaluates them, so a field is named
exactly when it will be resolved (which matters: asking for ``parties`` is what
audits a read of personal data).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import strawberry
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection


def _included(selection: Selection) -> bool:
    directives = selection.directives
    if not directives:
        return True
    return directives.get("skip", {}).get("if") is not True and directives.get("include", {}).get("if") is not False


def _fields(selections: Iterable[Selection]) -> Iterator[SelectedField]:
    for selection in selections:
        if not _included(selection):
            continue
        if isinstance(selection, SelectedField):
            yield selection
        elif isinstance(selection, FragmentSpread | InlineFragment):
            yield from _fields(selection.selections)


def selected_below(info: strawberry.Info[Any, Any], *path: str) -> frozenset[str]:
    """Names of the fields selected at ``path`` under the current field.

    ``selected_below(info, "edges", "node")`` in ``judgments`` answers the fields asked of each
    judgment; ``selected_below(info)`` in a field returning one object, that object's fields.
    """
    level: list[SelectedField] = list(_fields(info.selected_fields))
    for step in path:
        level = [child for field in level for child in _fields(field.selections) if child.name == step]
    return frozenset(child.name for field in level for child in _fields(field.selections))
