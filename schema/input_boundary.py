"""Where arguments enter the hub: text as people write it, and dates within sense, for every field at once.

One extension, not a check per field:

- **Text** (every ``String`` and ``ID``, in variables and in the document): NFC, and CRLF or a lone CR as
  LF (``domain.text.as_entered``), before anything runs. A decomposed subject is stored, searched and
  measured as the composed one: "Ấ"×300 is 300 characters however it was typed. A control character
  other than tab and line feed (U+0000–U+001F, U+007F) is refused, naming the field: NUL cannot be
  stored in PostgreSQL and BEL is no text. A court's signed submission (``SIGNED_INPUTS``) is NFC only,
  as its canonical JSON is: its signature covers its line breaks as sent.
- **Dates** (every ``Date``): within the window of its kind (``domain.date_bounds``, from settings,
  through the request context as ``date_bounds``; today from its ``clock``).

A refusal in a mutation whose payload has ``userErrors`` is answered as the mutation answers its own
mistakes — ``userErrors: [{field: "subject", code: "INVALID", message}]`` and nothing run — when every
root field of the operation is refused so. Any other refusal is a GraphQL error before execution::

    {"errors": [{"message": "filter.party: text may not contain the control character U+0007 ...",
                 "extensions": {"code": "BAD_USER_INPUT", "field": "filter.party"}}]}

Refusals are decided before validation (on the raw values), the normalised values replace the raw ones
just before execution, so the document cache keeps the document as it was sent.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    TypeInfo,
    TypeInfoVisitor,
    ValueNode,
    VariableNode,
    Visitor,
    get_named_type,
    get_operation_ast,
    type_from_ast,
    visit,
)
from strawberry.extensions import SchemaExtension

from domain.date_bounds import DateBounds
from domain.messages import ENGLISH, Text, msg, tell
from domain.text import as_entered, control_character, nfc

TEXT_TYPES = frozenset({"String", "ID"})
SIGNED_INPUTS = frozenset({"SubmitJudgmentInput"})  # the court's signature covers its text as sent
DATE_TYPE = "Date"
INVALID = "INVALID"
BAD_USER_INPUT = "BAD_USER_INPUT"


@dataclass(frozen=True, slots=True)
class Refusal:
    """One argument value refused: where (the root field it is under, the argument's own path) and why."""

    root: str  # response name of the root field it belongs to
    field: str  # the argument's path: "input.subject", "filter.party", "parties[0].name"
    problem: Text  # what is wrong with it, without its name

    @property
    def user_error_field(self) -> str:
        """As a mutation's own userErrors name fields: inside its ``input`` without saying ``input``."""
        head, _, rest = self.field.partition(".")
        return rest if head == "input" and rest else self.field

    def error(self) -> GraphQLError:
        """A request error: refused before execution, so no ``path`` (and no ``data``); the argument is ``field``."""
        return GraphQLError(
            msg("{field}: {problem}", field=self.field, problem=self.problem),
            extensions={"code": BAD_USER_INPUT, "field": self.field},
        )


@dataclass(frozen=True, slots=True)
class _Dates:
    bounds: DateBounds
    today: date


class InputBoundary(SchemaExtension):
    """Refuses control characters and dates out of bounds in arguments; normalises every text argument."""

    def __init__(self) -> None:
        self.answered: list[Refusal] = []  # refused as userErrors, answered at execution once validation passed

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        document = ctx.graphql_document
        # no variables and no string in the document (most reads): no argument to check
        plain = not ctx.variables and ctx.query is not None and '"' not in ctx.query
        if not plain and not ctx.pre_execution_errors and document is not None:
            refusals = _Walk(ctx.schema._schema, document, ctx.operation_name, ctx.variables, _dates(ctx.context)).run()
            if refusals:
                if _as_user_errors(ctx.schema._schema, document, ctx.operation_name, refusals):
                    self.answered = refusals
                else:
                    ctx.pre_execution_errors = [r.error() for r in refusals]
        yield

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        if self.answered and ctx.graphql_document is not None:
            language = str(getattr(ctx.context, "language", ENGLISH))
            ctx.result = _user_error_result(
                ctx.schema._schema, ctx.graphql_document, ctx.operation_name, self.answered, language
            )
        else:
            schema, document = ctx.schema._schema, ctx.graphql_document
            if ctx.variables and document is not None:
                ctx.variables = _entered_variables(schema, document, ctx.operation_name, ctx.variables)
            # a document of ASCII without escapes has no literal to change
            if document is not None and (ctx.query is None or not ctx.query.isascii() or "\\" in ctx.query):
                type_info = TypeInfo(schema)
                ctx.graphql_document = visit(document, TypeInfoVisitor(type_info, _EnteredLiterals(type_info)))
        yield


def _dates(context: object) -> _Dates | None:
    bounds, clock = getattr(context, "date_bounds", None), getattr(context, "clock", None)
    if not isinstance(bounds, DateBounds) or clock is None:
        return None
    return _Dates(bounds, clock.today())


def _as_sent(text: str, signed: bool) -> str:
    """A signature covers the line breaks as sent: signed content is only NFC (as canonical JSON is anyway)."""
    return nfc(text) if signed else as_entered(text)


def _entered_variables(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: dict[str, Any]
) -> dict[str, Any]:
    """The variables with every String and ID as entered, through their declared types."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return variables
    entered = dict(variables)
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        type_ = type_from_ast(schema, definition.type)
        if name in entered and type_ is not None:
            entered[name] = _entered(entered[name], type_, signed=False)
    return entered


def _entered(value: Any, type_: Any, *, signed: bool) -> Any:
    type_ = _unwrapped(type_)
    if isinstance(type_, GraphQLList):
        return (
            [_entered(v, type_.of_type, signed=signed) for v in value]
            if isinstance(value, list)
            else (_entered(value, type_.of_type, signed=signed))
        )
    if isinstance(type_, GraphQLInputObjectType) and isinstance(value, dict):
        inner = signed or type_.name in SIGNED_INPUTS
        fields = type_.fields
        return {k: _entered(v, fields[k].type, signed=inner) if k in fields else v for k, v in value.items()}
    if isinstance(value, str) and getattr(type_, "name", None) in TEXT_TYPES:
        return _as_sent(value, signed)
    return value


class _EnteredLiterals(Visitor):
    """String literals of text arguments as entered (run under a ``TypeInfoVisitor``, which gives their types)."""

    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.signed: list[bool] = []  # one per input object entered: is it signed content?

    def enter_object_value(self, *_args: object) -> None:
        named = get_named_type(self.type_info.get_input_type())
        self.signed.append(getattr(named, "name", None) in SIGNED_INPUTS)

    def leave_object_value(self, *_args: object) -> None:
        self.signed.pop()

    def enter_string_value(self, node: StringValueNode, *_args: object) -> object:
        if getattr(get_named_type(self.type_info.get_input_type()), "name", None) not in TEXT_TYPES:
            return None
        entered = _as_sent(node.value, any(self.signed))
        return None if entered == node.value else StringValueNode(value=entered, block=node.block, loc=node.loc)


def _unwrapped(type_: Any) -> Any:
    return type_.of_type if isinstance(type_, GraphQLNonNull) else type_


class _Walk:
    """The arguments of every field an operation selects, checked with their input types (fragments once each)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
        dates: _Dates | None,
    ) -> None:
        self.schema, self.document, self.operation_name = schema, document, operation_name
        self.variables = variables if isinstance(variables, Mapping) else {}
        self.dates = dates
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.refusals: list[Refusal] = []
        self.defaults: dict[str, ValueNode] = {}

    def run(self) -> list[Refusal]:
        operation = get_operation_ast(self.document, self.operation_name)
        root = None if operation is None else self.schema.get_root_type(operation.operation)
        if operation is None or root is None:
            return []
        self.defaults = {
            d.variable.name.value: d.default_value
            for d in operation.variable_definitions or ()
            if d.default_value is not None
        }
        self._selections(operation.selection_set, root, (), set())
        return self.refusals

    def _selections(self, selections: SelectionSetNode, parent: Any, path: tuple[str, ...], seen: set[str]) -> None:
        for node in selections.selections:
            if isinstance(node, FieldNode):
                self._field(node, parent, path, seen)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                inner = self.schema.get_type(condition.name.value) if condition is not None else parent
                self._selections(node.selection_set, inner, path, seen)
            elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
                seen.add(node.name.value)
                fragment = self.fragments.get(node.name.value)
                if fragment is not None:
                    self._selections(
                        fragment.selection_set, self.schema.get_type(fragment.type_condition.name.value), path, seen
                    )

    def _field(self, node: FieldNode, parent: Any, path: tuple[str, ...], seen: set[str]) -> None:
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return
        definition = parent.fields.get(node.name.value)
        if definition is None:
            return
        here = (*path, (node.alias or node.name).value)
        for argument in node.arguments or ():
            spec = definition.args.get(argument.name.value)
            if spec is not None:
                self._literal(argument.value, spec.type, here, argument.name.value, None)
        if node.selection_set is not None:
            self._selections(node.selection_set, get_named_type(definition.type), here, seen)

    def _literal(
        self, value: ValueNode, type_: GraphQLInputType, at: tuple[str, ...], where: str, holder: str | None
    ) -> None:
        type_ = _unwrapped(type_)
        if isinstance(value, VariableNode):
            name = value.name.value
            if name in self.variables:
                self._value(self.variables[name], type_, at, where, holder)
            elif name in self.defaults:
                self._literal(self.defaults[name], type_, at, where, holder)
        elif isinstance(type_, GraphQLList):
            items = value.values if isinstance(value, ListValueNode) else (value,)
            for i, item in enumerate(items):
                self._literal(
                    item, type_.of_type, at, f"{where}[{i}]" if isinstance(value, ListValueNode) else where, holder
                )
        elif isinstance(type_, GraphQLInputObjectType) and isinstance(value, ObjectValueNode):
            for part in value.fields:
                spec = type_.fields.get(part.name.value)
                if spec is not None:
                    self._literal(part.value, spec.type, at, f"{where}.{part.name.value}", type_.name)
        elif isinstance(value, StringValueNode):
            self._leaf(value.value, type_, at, where, holder)

    def _value(self, value: Any, type_: GraphQLInputType, at: tuple[str, ...], where: str, holder: str | None) -> None:
        type_ = _unwrapped(type_)
        if isinstance(type_, GraphQLList):
            items = value if isinstance(value, list) else [value]
            for i, item in enumerate(items):
                self._value(item, type_.of_type, at, f"{where}[{i}]" if isinstance(value, list) else where, holder)
        elif isinstance(type_, GraphQLInputObjectType) and isinstance(value, dict):
            for name, part in value.items():
                spec = type_.fields.get(name)
                if spec is not None:
                    self._value(part, spec.type, at, f"{where}.{name}", type_.name)
        elif isinstance(value, str):
            self._leaf(value, type_, at, where, holder)

    def _leaf(self, value: str, type_: Any, at: tuple[str, ...], where: str, holder: str | None) -> None:
        name = getattr(type_, "name", None)
        if name in TEXT_TYPES:
            control = control_character(as_entered(value))
            if control is not None:
                said = msg(
                    "text may not contain the control character {character} (only tab and line breaks)",
                    character=control,
                )
                self.refusals.append(Refusal(at[0], where, said))
        elif name == DATE_TYPE and self.dates is not None:
            try:
                day = date.fromisoformat(value)
            except ValueError:
                return  # not a date at all: the Date scalar says so
            last = where.rsplit(".", 1)[-1].split("[", 1)[0]
            problem = self.dates.bounds.refusal(last, day, self.dates.today, holder)
            if problem is not None:
                self.refusals.append(Refusal(at[0], where, problem))


def _root_fields(
    document: DocumentNode, operation_name: str | None
) -> tuple[OperationDefinitionNode | None, list[FieldNode]]:
    """The operation and its root fields, when they are all written plainly (no fragments at the root)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None, []
    fields = [s for s in operation.selection_set.selections if isinstance(s, FieldNode)]
    return operation, fields if len(fields) == len(operation.selection_set.selections) else []


def _payload_type(schema: GraphQLSchema, node: FieldNode) -> GraphQLObjectType | None:
    mutation = schema.mutation_type
    definition = None if mutation is None else mutation.fields.get(node.name.value)
    payload = None if definition is None else _unwrapped(definition.type)
    return payload if isinstance(payload, GraphQLObjectType) and "userErrors" in payload.fields else None


def _as_user_errors(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, refusals: list[Refusal]
) -> bool:
    """Whether the refusals can be the userErrors of the mutations refused: every root field a mutation with them."""
    operation, fields = _root_fields(document, operation_name)
    if operation is None or operation.operation is not OperationType.MUTATION or not fields:
        return False
    refused = {r.root for r in refusals}
    return all((f.alias or f.name).value in refused and _payload_type(schema, f) is not None for f in fields)


def _user_error_result(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, refusals: list[Refusal], language: str
) -> ExecutionResult:
    """Each mutation's payload with its userErrors and every other field null; errors instead where one can't be null."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    data: dict[str, Any] = {}
    _, fields = _root_fields(document, operation_name)
    for node in fields:
        name = (node.alias or node.name).value
        payload_type = _payload_type(schema, node)
        errors = [
            {
                "field": r.user_error_field,
                "code": INVALID,
                "message": tell(msg("{field}: {problem}", field=r.user_error_field, problem=r.problem), language),
                "__typename": "UserError",
            }
            for r in refusals
            if r.root == name
        ]
        payload = None
        if payload_type is not None and node.selection_set is not None:
            payload = _payload(node.selection_set, payload_type, errors, fragments)
        if payload is None:
            return ExecutionResult(data=None, errors=[r.error() for r in refusals])
        data[name] = payload
    return ExecutionResult(data=data, errors=None)


def _payload(
    selections: SelectionSetNode,
    payload_type: GraphQLObjectType,
    errors: list[dict[str, str]],
    fragments: Mapping[str, FragmentDefinitionNode],
) -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    for node in selections.selections:
        inner: SelectionSetNode | None = None
        if isinstance(node, InlineFragmentNode):
            inner = node.selection_set
        elif isinstance(node, FragmentSpreadNode) and node.name.value in fragments:
            inner = fragments[node.name.value].selection_set
        if inner is not None:
            part = _payload(inner, payload_type, errors, fragments)
            if part is None:
                return None
            out.update(part)
            continue
        if not isinstance(node, FieldNode):
            return None
        name, key = node.name.value, (node.alias or node.name).value
        if name == "__typename":
            out[key] = payload_type.name
        elif name == "userErrors" and node.selection_set is not None:
            out[key] = [_user_error(node.selection_set, error) for error in errors]
        elif isinstance(field_type := payload_type.fields[name].type, GraphQLNonNull):
            if getattr(field_type.of_type, "name", None) != "Boolean":
                return None
            out[key] = False  # nothing happened: e.g. ``replayed``
        else:
            out[key] = None
    return out


def _user_error(selections: SelectionSetNode, error: Mapping[str, str]) -> dict[str, Any]:
    return {
        (node.alias or node.name).value: error.get(node.name.value)
        for node in selections.selections
        if isinstance(node, FieldNode)
    }
