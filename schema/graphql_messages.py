"""graphql-core's own messages (parse, validation, variable coercion) told in the request's language.

The hub's messages are :class:`domain.messages.Text` and carry their catalogue id. graphql-core's
are plain English sentences built from a small set of templates ("Cannot query field 'x' on type
'Query'."); those templates are catalogue ids too (``TEMPLATES``, Vietnamese in ``vi.po``), and a
message is read back into its template and values to be told. A sentence no template matches is
still told: wrapped in a catalogue sentence that says in the reader's language what it is, with
graphql-core's English words quoted inside (type and field names are the schema's, not English).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

from domain.messages import ENGLISH, Text, msg, tell

# graphql-core 3.2/3.3 wording, catalogue ids; the text after a matched template ("Did you mean …?") is read again.
TEMPLATES: Final = (
    "Syntax Error: {detail}",
    "Cannot query field '{field}' on type '{type}'.",
    "Unknown argument '{argument}' on field '{field}'.",
    "Unknown argument '{argument}' on directive '{directive}'.",
    "Argument '{argument}' of type '{type}' is required, but it was not provided.",
    "Field '{field}' argument '{argument}' of type '{type}' is required, but it was not provided.",
    "Field '{field}' must not have a selection since type '{type}' has no subfields.",
    "Field '{field}' of type '{type}' must have a selection of subfields.",
    "Unknown type '{type}'.",
    "Unknown fragment '{fragment}'.",
    "Fragment '{fragment}' is never used.",
    "Cannot spread fragment '{fragment}' within itself.",
    "Cannot spread fragment '{fragment}' within itself via {path}.",
    "Variable '{variable}' is not defined by operation '{operation}'.",
    "Variable '{variable}' is not defined.",
    "Variable '{variable}' is never used in operation '{operation}'.",
    "Variable '{variable}' is never used.",
    "Variable '{variable}' of type '{type}' used in position expecting type '{expected}'.",
    "Variable '{variable}' of required type '{type}' was not provided.",
    "Variable '{variable}' of non-null type '{type}' must not be null.",
    "Variable '{variable}' got invalid value {value}; {detail}",
    "Variable '{variable}' has invalid value {value}; {detail}",
    "Variable '{variable}' has invalid value: {detail}",
    "Variable '{variable}' has invalid value at {at}: {detail}",
    "Expected a value of non-null type '{type}' to be provided.",
    "Expected value of type '{type}', found {value}; {detail}",
    "Expected value of type '{type}', found {value}.",
    "Expected type '{type}' to be an object.",
    "Field '{field}' of required type '{type}' was not provided.",
    "Field '{field}' is not defined by type '{type}'.",
    "Value cannot represent a non-integer value: {value}",
    "Int cannot represent non-integer value: {value}",
    "Int cannot represent non 32-bit signed integer value: {value}",
    "String cannot represent a non string value: {value}",
    "Boolean cannot represent a non boolean value: {value}",
    "ID cannot represent a non-string and non-integer value: {value}",
    "Enum '{type}' cannot represent non-enum value: {value}.",
    "Value '{value}' does not exist in '{type}' enum.",
    "Directive '{directive}' may not be used on {location}.",
    "Unknown directive '{directive}'.",
    "The directive '{directive}' can only be used once at this location.",
    "There can be only one operation named '{operation}'.",
    "There can be only one fragment named '{fragment}'.",
    "There can be only one variable named '{variable}'.",
    "There can be only one argument named '{argument}'.",
    "There can be only one input field named '{field}'.",
    "This anonymous operation must be the only defined operation.",
    "Unknown operation named '{operation}'.",
    "Must provide operation name if query contains multiple operations.",
    "Must provide an operation.",
    "Anonymous Subscription must select only one top level field.",
    "Subscription '{operation}' must select only one top level field.",
    (
        "Fields '{field}' conflict because {reason}. "
        "Use different aliases on the fields to fetch both if this was intentional."
    ),
    "Fragment cannot be spread here as objects of type '{type}' can never be of type '{fragment_type}'.",
    ("Fragment '{fragment}' cannot be spread here as objects of type '{type}' can never be of type '{fragment_type}'."),
    "Fragment cannot condition on non composite type '{type}'.",
    "Fragment '{fragment}' cannot condition on non composite type '{type}'.",
    "Variable '{variable}' cannot be non-input type '{type}'.",
    "Cannot return null for non-nullable field {field}.",
    "Did you mean {choices}?",
)
_PLACEHOLDER: Final = re.compile(r"\\\{(\w+)\\\}")


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], re.Pattern[str], str], ...]:
    """Each template as a pattern of the whole message and one of its start, longest template first."""
    ordered = sorted(TEMPLATES, key=len, reverse=True)
    found = []
    for template in ordered:
        body = _PLACEHOLDER.sub(r"(?P<\1>.+?)", re.escape(template))
        found.append((re.compile(body, re.S), re.compile(body + r" (?P<_rest>.+)\Z", re.S), template))
    return tuple(found)


def _values(found: dict[str, str]) -> dict[str, object]:
    """A template's values; a ``detail`` is itself one of graphql-core's sentences, told as well when it reads."""
    return {name: (_read(value) or value) if name == "detail" else value for name, value in found.items()}


def _read(message: str) -> Text | None:
    """``message`` as its template and values, or a template followed by more that reads too; else None."""
    for whole, _, template in _patterns():
        if (found := whole.fullmatch(message)) is not None:
            return Text(template, _values(found.groupdict()))
    for _, start, template in _patterns():
        if (found := start.match(message)) is not None and (tail := _read(found.group("_rest"))) is not None:
            values = _values({name: value for name, value in found.groupdict().items() if name != "_rest"})
            return Text("{head} {tail}", {"head": Text(template, values), "tail": tail})
    return None


def told(message: str, language: str) -> str:
    """``message`` in ``language``: the hub's own by the catalogue, graphql-core's by its template."""
    if language == ENGLISH or isinstance(message, Text):
        return tell(message, language)
    read = _read(message)
    return tell(
        read if read is not None else msg("the request is not valid GraphQL: {detail}", detail=message), language
    )
