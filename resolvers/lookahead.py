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

from collections.abc import Iterator, Mapping
from typing import Any

import strawberry
from graphql import (
    BooleanValueNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionNode,
    SelectionSetNode,
    VariableNode,
)


def _included(selection: SelectionNode, variables: Mapping[str, Any]) -> bool:
    """As the execution decides it: ``@skip(if: true)`` leaves a selection out, ``@include(if: false)`` too."""
    for directive in selection.directives or ():
        name = directive.name.value
        if name not in ("skip", "include"):
            continue
        for argument in directive.arguments or ():
            if argument.name.value != "if":
                continue
            value = argument.value
            if isinstance(value, VariableNode):
                condition = variables.get(value.name.value)
            else:
                condition = value.value if isinstance(value, BooleanValueNode) else None
            if (name == "skip" and condition is True) or (name == "include" and condition is False):
                return False
    return True


def _fields(
    selections: SelectionSetNode | None, fragments: Mapping[str, FragmentDefinitionNode], variables: Mapping[str, Any]
) -> Iterator[FieldNode]:
    for selection in selections.selections if selections is not None else ():
        if not _included(selection, variables):
            continue
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set, fragments, variables)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                yield from _fields(fragment.selection_set, fragments, variables)


def selected_below(info: strawberry.Info[Any, Any], *path: str) -> frozenset[str]:
    """Names of the fields selected at ``path`` under the current field.

    ``selected_below(info, "edges", "node")`` in ``judgments`` answers the fields asked of each
    judgment; ``selected_below(info)`` in a field returning one object, that object's fields.
    Read from the operation's nodes (not Strawberry's ``selected_fields``, which converts the
    whole selection below the field on every call).
    """
    raw = info._raw_info
    fragments = raw.fragments
    # Strawberry hands resolvers the coerced values (graphql-core's own info holds them in ``.coerced``)
    given: Any = raw.variable_values
    variables: Mapping[str, Any] = getattr(given, "coerced", given)
    level: list[FieldNode] = list(raw.field_nodes)
    for step in path:
        level = [
            child
            for field in level
            for child in _fields(field.selection_set, fragments, variables)
            if child.name.value == step
        ]
    return frozenset(
        child.name.value for field in level for child in _fields(field.selection_set, fragments, variables)
    )
