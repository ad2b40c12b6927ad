"""Custom scalars.

``VND`` is an amount of Vietnamese đồng. GraphQL ``Int`` is 32-bit (±2.1 billion),
far too small for judgment amounts and national totals, so VND travels as a
decimal string of digits (``"1250000"``) and is accepted as such a string or as
an integer literal. Values are exact: no floats anywhere.
"""

from __future__ import annotations

import re
from typing import NewType

import strawberry
from graphql import IntValueNode, StringValueNode, ValueNode
from strawberry.types.scalar import ScalarDefinition

VND = NewType("VND", int)

_DIGITS = re.compile(r"-?\d{1,21}")


def _parse_vnd(value: object) -> VND:
    if isinstance(value, bool):
        raise ValueError('VND must be a string of digits, e.g. "1250000"')
    if isinstance(value, int):
        return VND(value)
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return VND(int(value))
    raise ValueError('VND must be a string of digits, e.g. "1250000"')


def _parse_vnd_literal(node: ValueNode, _variables: object = None) -> VND:
    if isinstance(node, IntValueNode | StringValueNode):
        return _parse_vnd(node.value if isinstance(node, StringValueNode) else int(node.value))
    raise ValueError('VND must be a string of digits, e.g. "1250000"')


def _serialize_vnd(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"not a VND amount: {value!r}")
    return str(value)


SCALARS: dict[object, ScalarDefinition] = {
    VND: strawberry.scalar(
        name="VND",
        description="Amount in Vietnamese đồng, as a string of digits (exact; no 32-bit limit).",
        serialize=_serialize_vnd,
        parse_value=_parse_vnd,
        parse_literal=_parse_vnd_literal,
    ),
}
