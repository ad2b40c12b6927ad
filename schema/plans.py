"""Compiled execution plans: what each selection of an operation reads, completes and reports.

graphql-core walks the document on every request: for each field it looks up the field's
definition, builds a resolve-info tuple, dispatches the completion on the return type, collects
sub-fields and serialises leaves through the type — about a millisecond per 140 fields. A plan
decides all of that once per operation (the approach of graphql-jit for graphql-js):

- per field (:class:`FieldPlan`): the response name, the attribute to read (a Strawberry field
  without resolver or extensions) or the resolve function to call, whether that function looks at
  ``info`` (built only then), whether it takes arguments (coerced once per request), and a
  *completer*;
- per type, a completer (:func:`completer`) made once: non-null checks with graphql-core's own
  message, list iteration, leaf serialisation (a String, ID or Boolean already of its Python type is
  taken as it is; a Strawberry enum member is named from a table), abstract types resolved to their
  object type, and object types run as an :class:`ObjectPlan` of their collected fields — collected
  when first reached, then kept.

Errors go exactly the standard way: every raised error is located and handed to the executor's
``handle_field_error`` with the field's nodes and path, which propagates it to the nearest nullable
position like graphql-core does; awaitables are gathered at the same points and in the same order,
so even the order of errors is the same. ``tests/api/test_executor_differential.py`` runs random valid
operations through graphql-core and through the plans and demands identical answers.

Plans are built by :class:`~schema.execution.HubExecutionContext` and kept in the schema's
:class:`~schema.plan_cache.PlanCache`; they hold nothing of a request (arguments are coerced per
request, into the executor's own table). Depends on graphql-core internals (pinned in pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from graphql import (
    GraphQLAbstractType,
    GraphQLBoolean,
    GraphQLError,
    GraphQLField,
    GraphQLID,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
    TypeNameMetaFieldDef,
    Undefined,
    is_abstract_type,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.execution.executor import Executor, invalid_return_type_error, to_nodes
from graphql.language import FieldNode
from graphql.pyutils import Path, gather_with_cancel, is_iterable
from strawberry.schema.schema_converter import CustomGraphQLEnumType, GraphQLCoreConverter

if TYPE_CHECKING:
    from schema.execution import HubExecutionContext

DEFINITION = GraphQLCoreConverter.DEFINITION_BACKREF

Completer = Callable[["HubExecutionContext", Any, Any, Any], Any]
"""``(executor, value, path, info) -> completed value or awaitable``; raises what the field must report.

``path`` is the position of the value (the field's, or a list item's); ``info`` the field's resolve
info, or None when neither the field's resolver nor its completion needs one (built on demand then).
"""

UNCHANGED: Mapping[Any, type] = MappingProxyType({GraphQLString: str, GraphQLID: str, GraphQLBoolean: bool})
"""Leaf types that return a value of exactly this Python type unchanged (checked with ``type() is``)."""

ENUM_NAMES = "hub_output_names"
"""Attribute of a Strawberry enum type holding its output names (member → GraphQL name), set once per schema."""

WANTS_INFO = "hub_wants_info"
"""Attribute of a resolve function made by ``prepare_execution``: whether it reads its ``info`` argument."""


class ObjectPlan:
    """The collected fields of one selection on one object type, each planned."""

    __slots__ = ("fields", "type_name")

    def __init__(self, type_name: str, fields: tuple[FieldPlan, ...]) -> None:
        self.type_name = type_name
        self.fields = fields


class FieldPlan:
    """One response key of a selection: how to get its value and how to complete it."""

    __slots__ = (
        "attribute",
        "complete",
        "details",
        "field_def",
        "has_args",
        "leaf",
        "name",
        "nodes",
        "parent_type",
        "resolve",
        "return_type",
        "same_as",
        "typename",
        "wants_info",
    )

    def __init__(
        self, parent_type: GraphQLObjectType, name: str, details: FieldDetailsList, field_def: GraphQLField
    ) -> None:
        self.parent_type = parent_type
        self.name = name
        self.details = details
        self.nodes: list[FieldNode] = to_nodes(details)
        self.field_def = field_def
        self.return_type: GraphQLOutputType = field_def.type
        self.typename: str | None = parent_type.name if field_def is TypeNameMetaFieldDef else None
        self.attribute = plain_attribute(field_def, self.nodes[0])
        self.resolve: Callable[..., Any] | None = field_def.resolve
        self.has_args = bool(field_def.args or self.nodes[0].arguments)
        inner = _unwrapped(self.return_type)
        self.leaf = is_leaf_type(inner)
        self.same_as: type | None = UNCHANGED.get(inner) if self.leaf else None
        self.complete: Completer = completer(self.return_type, details, parent_type, field_def)
        resolver_wants_info = self.attribute is None and getattr(self.resolve, WANTS_INFO, True)
        self.wants_info = bool(resolver_wants_info or needs_info(self.return_type))


def _unwrapped(type_: GraphQLOutputType) -> Any:
    return type_.of_type if isinstance(type_, GraphQLNonNull) else type_


def needs_info(type_: GraphQLOutputType) -> bool:
    """Whether completing a value of ``type_`` (not its sub-fields) calls something with the field's info."""
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    return is_abstract_type(type_) or (isinstance(type_, GraphQLObjectType) and type_.is_type_of is not None)


def plain_attribute(field_def: GraphQLField, node: FieldNode) -> str | None:
    """The attribute a field reads, when it is a Strawberry field without resolver, extensions or arguments.

    Strawberry gives such a field its ``_get_basic_result``, which reads the attribute with the
    configured default resolver; when that is ``getattr``, the plan reads it directly.
    """
    if field_def.args or node.arguments:
        return None
    resolve = field_def.resolve
    if not getattr(resolve, "_is_default", False) or getattr(resolve, "__name__", "") != "_get_basic_result":
        return None
    definition = (field_def.extensions or {}).get(DEFINITION)
    if definition is None or not definition.is_basic_field or definition.default_resolver is not getattr:
        return None
    return str(definition.python_name)


def enum_names(enum_type: CustomGraphQLEnumType) -> Mapping[Any, str]:
    """Each member of a Strawberry enum's class → the GraphQL name ``coerce_output_value`` gives it."""
    known: Mapping[Any, str] | None = getattr(enum_type, ENUM_NAMES, None)
    if known is not None:
        return known
    names: dict[Any, str] = {}
    member: Any
    for member in enum_type.wrapped_cls:
        for name, value in enum_type.values.items():
            if member.value == value.value:
                names[member] = name
                break
    return MappingProxyType(names)


def completer(
    type_: GraphQLOutputType, details: FieldDetailsList, parent_type: GraphQLObjectType, field_def: GraphQLField
) -> Completer:
    """The completion of values of ``type_`` for one field (``details``) of ``parent_type``."""
    field_name = details[0].node.name.value
    if isinstance(type_, GraphQLNonNull):
        return _non_null(completer(type_.of_type, details, parent_type, field_def), f"{parent_type}.{field_name}")
    if isinstance(type_, GraphQLList):
        return _list(type_, completer(type_.of_type, details, parent_type, field_def), details, parent_type, field_def)
    if is_leaf_type(type_):
        return _leaf(type_)
    if is_abstract_type(type_):
        return _abstract(type_, details, parent_type, field_def)
    assert isinstance(type_, GraphQLObjectType)
    return _object(type_, details)


def _non_null(inner: Completer, field: str) -> Completer:
    message = f"Cannot return null for non-nullable field {field}."

    def complete_non_null(executor: HubExecutionContext, value: Any, path: Any, info: Any) -> Any:
        if value is None or value is Undefined:
            raise TypeError(message)
        return inner(executor, value, path, info)

    return complete_non_null


def _leaf(leaf_type: GraphQLLeafType) -> Completer:
    complete_leaf_value = Executor.complete_leaf_value  # graphql-core's, with its message for a bad value
    same_as = UNCHANGED.get(leaf_type)
    if isinstance(leaf_type, CustomGraphQLEnumType):
        names = enum_names(leaf_type)
        enum_class = leaf_type.wrapped_cls

        def complete_enum(executor: HubExecutionContext, value: Any, path: Any, info: Any) -> Any:
            if type(value) is enum_class:
                name = names.get(value)
                if name is not None:
                    return name
            if isinstance(value, Exception):
                raise value
            if value is None or value is Undefined:
                return None
            return complete_leaf_value(leaf_type, value)

        return complete_enum

    def complete_scalar(executor: HubExecutionContext, value: Any, path: Any, info: Any) -> Any:
        if type(value) is same_as:
            return value
        if isinstance(value, Exception):
            raise value
        if value is None or value is Undefined:
            return None
        return complete_leaf_value(leaf_type, value)

    return complete_scalar


def _list(
    list_type: GraphQLList[Any],
    item: Completer,
    details: FieldDetailsList,
    parent_type: GraphQLObjectType,
    field_def: GraphQLField,
) -> Completer:
    item_type = list_type.of_type
    not_iterable = f"Expected Iterable, but did not find one for field '{parent_type}.{details[0].node.name.value}'."
    nodes = to_nodes(details)

    def complete_list(executor: HubExecutionContext, value: Any, path: Any, info: Any) -> Any:
        if isinstance(value, Exception):
            raise value
        if value is None or value is Undefined:
            return None
        if executor.is_async_iterable(value):  # graphql-core's own way, with the field's info
            field_info = info or executor.build_resolve_info(field_def, nodes, parent_type, field_path(path))
            return executor.complete_list_value(list_type, details, field_info, path, value, None)
        if not is_iterable(value):
            raise GraphQLError(not_iterable)
        is_awaitable = executor.is_awaitable
        completed: list[Any] = []
        append = completed.append
        pending: list[int] = []
        iterator = iter(value)
        index = 0
        try:
            for one in iterator:
                item_path = Path(path, index, None)
                if is_awaitable(one):
                    append(_awaitable_item(executor, item, item_type, details, one, item_path, info))
                    pending.append(index)
                else:
                    try:
                        done = item(executor, one, item_path, info)
                        if is_awaitable(done):
                            append(_completed_item(executor, item_type, details, done, item_path))
                            pending.append(index)
                        else:
                            append(done)
                    except Exception as raw_error:
                        executor.handle_field_error(raw_error, item_type, details, item_path)
                        append(None)
                index += 1
        except Exception:
            awaitables = [completed[i] for i in pending]
            awaitables.extend(one for one in iterator if is_awaitable(one))
            if awaitables:
                executor.settle_in_background(awaitables)
            raise
        if not pending:
            return completed
        return _gathered_list(completed, pending)

    return complete_list


def field_path(path: Path) -> Path:
    """The field's own position above a (possibly nested) list item's."""
    while isinstance(path.key, int) and path.prev is not None:
        path = path.prev
    return path


async def _gathered_list(completed: list[Any], pending: list[int]) -> list[Any]:
    if len(pending) == 1:
        index = pending[0]
        completed[index] = await completed[index]
    else:
        for index, done in zip(pending, await gather_with_cancel(*(completed[i] for i in pending)), strict=True):
            completed[index] = done
    return completed


async def _awaitable_item(
    executor: HubExecutionContext,
    item: Completer,
    item_type: GraphQLOutputType,
    details: FieldDetailsList,
    awaitable: Any,
    item_path: Path,
    info: Any,
) -> Any:
    try:
        completed = item(executor, await awaitable, item_path, info)
        if executor.is_awaitable(completed):
            completed = await completed
    except Exception as raw_error:
        executor.handle_field_error(raw_error, item_type, details, item_path)
        return None
    return completed


async def _completed_item(
    executor: HubExecutionContext,
    item_type: GraphQLOutputType,
    details: FieldDetailsList,
    completed: Any,
    item_path: Path,
) -> Any:
    try:
        return await completed
    except Exception as raw_error:
        executor.handle_field_error(raw_error, item_type, details, item_path)
        return None


def _object(object_type: GraphQLObjectType, details: FieldDetailsList) -> Completer:
    plan: list[ObjectPlan] = []  # built when first reached (the sub-fields are collected by an executor)
    is_type_of = object_type.is_type_of

    def complete_object(executor: HubExecutionContext, value: Any, path: Any, info: Any) -> Any:
        if isinstance(value, Exception):
            raise value
        if value is None or value is Undefined:
            return None
        if not plan:
            plan.append(executor.object_plan(object_type, details))
        if is_type_of is not None:
            return _checked_object(executor, object_type, details, plan[0], is_type_of(value, info), value, path)
        return run_fields(executor, plan[0], value, path)

    return complete_object


def _checked_object(
    executor: HubExecutionContext,
    object_type: GraphQLObjectType,
    details: FieldDetailsList,
    plan: ObjectPlan,
    is_type_of: Any,
    value: Any,
    path: Path,
) -> Any:
    if executor.is_awaitable(is_type_of):

        async def checked_later() -> Any:
            if not await is_type_of:
                raise invalid_return_type_error(object_type, value, details)
            fields = run_fields(executor, plan, value, path)
            return await fields if executor.is_awaitable(fields) else fields

        return checked_later()
    if not is_type_of:
        raise invalid_return_type_error(object_type, value, details)
    return run_fields(executor, plan, value, path)


def _abstract(
    abstract_type: GraphQLAbstractType,
    details: FieldDetailsList,
    parent_type: GraphQLObjectType,
    field_def: GraphQLField,
) -> Completer:
    by_type: dict[GraphQLObjectType, Completer] = {}
    nodes = to_nodes(details)

    def complete_abstract(executor: HubExecutionContext, value: Any, path: Any, info: Any) -> Any:
        if isinstance(value, Exception):
            raise value
        if value is None or value is Undefined:
            return None
        field_info = info or executor.build_resolve_info(field_def, nodes, parent_type, field_path(path))
        resolve_type = abstract_type.resolve_type or executor.type_resolver
        runtime_type = resolve_type(value, field_info, abstract_type)
        if executor.is_awaitable(runtime_type):  # graphql-core's own way
            return executor.complete_abstract_value(abstract_type, details, field_info, path, value, None)
        object_type = executor.ensure_valid_runtime_type(runtime_type, abstract_type, details, field_info, value)
        complete = by_type.get(object_type)
        if complete is None:
            complete = by_type[object_type] = _object(object_type, details)
        return complete(executor, value, path, field_info)

    return complete_abstract


def run_fields(executor: HubExecutionContext, plan: ObjectPlan, source: Any, path: Path | None) -> Any:
    """The fields of ``plan`` on ``source``: a dict, or an awaitable of it when a field is awaitable.

    As graphql-core's ``execute_fields`` + ``execute_field``: the fields in order, each error
    handled where it occurs, a non-null field's error ending the loop (its awaiting siblings settled
    in the background), the awaitable fields gathered together at the end.
    """
    results: dict[str, Any] = {}
    is_awaitable = executor.is_awaitable
    pending: list[str] = []
    type_name = plan.type_name
    try:
        for field in plan.fields:
            name = field.name
            if field.typename is not None:
                results[name] = field.typename
                continue
            position: Path | None = None
            try:
                attribute = field.attribute
                info = None
                if attribute is not None:
                    value = getattr(source, attribute)
                    if type(value) is field.same_as:
                        results[name] = value
                        continue
                else:
                    position = Path(path, name, type_name)
                    if field.wants_info:
                        info = executor.build_resolve_info(field.field_def, field.nodes, field.parent_type, position)
                    resolve = field.resolve or executor.field_resolver
                    value = (
                        resolve(source, info, **executor.plan_args(field)) if field.has_args else resolve(source, info)
                    )
                if not field.leaf and position is None:
                    position = Path(path, name, type_name)
                if is_awaitable(value):
                    if position is None:
                        position = Path(path, name, type_name)
                    results[name] = _awaitable_field(executor, field, value, position, info)
                    pending.append(name)
                    continue
                completed = field.complete(executor, value, position, info)
                if is_awaitable(completed):
                    assert position is not None  # leaves complete at once
                    results[name] = _completed_field(executor, field, completed, position)
                    pending.append(name)
                else:
                    results[name] = completed
            except Exception as raw_error:
                executor.handle_field_error(
                    raw_error, field.return_type, field.details, position or Path(path, name, type_name)
                )
                results[name] = None
    except Exception:
        if pending:
            executor.settle_in_background([results[name] for name in pending])
        raise
    if not pending:
        return results
    return _gathered_fields(results, pending)


async def _gathered_fields(results: dict[str, Any], pending: list[str]) -> dict[str, Any]:
    if len(pending) == 1:
        name = pending[0]
        results[name] = await results[name]
    else:
        results.update(zip(pending, await gather_with_cancel(*(results[name] for name in pending)), strict=True))
    return results


async def _awaitable_field(
    executor: HubExecutionContext, field: FieldPlan, awaitable: Any, path: Path, info: Any
) -> Any:
    try:
        completed = field.complete(executor, await awaitable, path, info)
        if executor.is_awaitable(completed):
            completed = await completed
    except Exception as raw_error:
        executor.handle_field_error(raw_error, field.return_type, field.details, path)
        return None
    return completed


async def _completed_field(executor: HubExecutionContext, field: FieldPlan, completed: Any, path: Path) -> Any:
    try:
        return await completed
    except Exception as raw_error:
        executor.handle_field_error(raw_error, field.return_type, field.details, path)
        return None
