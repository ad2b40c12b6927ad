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

from domain.errors import BadInput
from domain.messages import msg

VND = NewType("VND", int)

_DIGITS = re.compile(r"-?[0-9]{1,21}")  # ASCII digits only: "０１２" (full-width) is no amount
_NOT_VND = msg('VND must be a string of digits 0-9, e.g. "1250000"')


def _parse_vnd(value: object) -> VND:
    """A VND amount from a variable; ``BadInput`` (BAD_USER_INPUT) for anything else."""
    if isinstance(value, bool):
        raise BadInput(_NOT_VND)
    if isinstance(value, int):
        return VND(value)
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        return VND(int(value))
    raise BadInput(_NOT_VND)


def _parse_vnd_literal(node: ValueNode, _variables: object = None) -> VND:
    """A VND amount written in the document; the same refusal as for a variable (not an internal error).

    An integer literal is read through the same digits check as a string: ``int()`` of its text would
    raise ``ValueError`` past 4,300 digits (an internal error), and no amount has more than 21.
    """
    if isinstance(node, IntValueNode | StringValueNode):
        return _parse_vnd(node.value)
    raise BadInput(_NOT_VND)


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
