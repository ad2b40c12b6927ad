"""The execution context: graphql-core's, with short ways for plain fields.

Most of an answer is leaves read straight off an object — a judgment's number, a
party's name, a decision's date. For each one graphql-core builds a resolve-info
tuple, a path, calls Strawberry's attribute getter through three wrappers and
dispatches the completion on the type. Here a leaf field whose value is a plain
attribute (a Strawberry field without a resolver, arguments or extensions, on a
Scalar or Enum type) is read with ``getattr`` and coerced by its type directly.

When a value is completed whose whole selection is plain — attributes all the way
down to the leaves, through lists and object types that need no ``is_type_of``
check (a judgment's parties, its court details, an agency's code and name) — the
value is converted in one pass by a :class:`Shape` built once per selection,
instead of field by field.

A field with a resolver but no arguments (``Agency.parent``, ``EnforcementCase.agency``…)
gets, once when the schema is built (:func:`slim_resolvers`), a resolve function
that calls the resolver directly — ``self`` and, if asked for, ``info`` — instead
of Strawberry's general one, which converts arguments and runs field extensions
on every call. Fields with arguments, field extensions (permissions) or reserved
``root``/``parent`` parameters, and the root types' fields (the policy guard's),
keep Strawberry's.

When the operation's result is built, the executor lets go of its resolve-info helpers
(:meth:`HubExecutionContext.execute_operation`). graphql-core keeps them as bound methods of
the executor, a reference cycle through which the whole operation — the request's context,
its DataLoaders and every agency record they hold — would wait for the cyclic garbage
collector instead of being freed by reference counting as the answer leaves (measured on
judgment-360: about 1,600 objects a request, and the collections scanning them cost a fifth
of the hub's CPU).

Anything out of the ordinary — an exception, a null in a non-null field, a value
the type cannot coerce, a schema with middleware — goes the standard way
(``execute_field``), which reports it exactly as graphql-core does: the short way
only ever produces what the standard one would (``tests/unit/test_execution.py``
checks both give the same answers). Depends on graphql-core internals: its
version is pinned in pyproject.toml.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from types import MappingProxyType
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLField,
    GraphQLID,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLString,
    Undefined,
    is_introspection_type,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path, gather_with_cancel
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import CustomGraphQLEnumType, GraphQLCoreConverter
from strawberry.types.field import StrawberryField

DEFINITION = GraphQLCoreConverter.DEFINITION_BACKREF


@dataclass(frozen=True, slots=True)
class PlainLeaf:
    """How to read a leaf field without a resolver: the attribute, its type, whether null is allowed.

    For a Strawberry enum, ``names`` maps each member of its Python class to its GraphQL name, as
    ``CustomGraphQLEnumType.coerce_output_value`` would find it (the first name with the member's value).
    ``same_as`` is the Python type whose values the GraphQL type returns unchanged (``str`` for String
    and ID, ``bool`` for Boolean), checked exactly: a subclass goes through the type's own coercion.
    """

    attribute: str
    leaf_type: GraphQLLeafType
    nullable: bool
    enum_class: type | None = None
    names: Mapping[Any, str] | None = None
    same_as: type | None = None


ENUM_NAMES = "hub_output_names"
"""Attribute of a Strawberry enum type holding its :func:`_enum_names`, set once by :func:`slim_resolvers`."""


def _enum_names(enum_type: CustomGraphQLEnumType) -> Mapping[Any, str]:
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
    return names


Step = tuple[str, FieldDetailsList, PlainLeaf | None]


class Irregular(Exception):
    """Raised inside a :class:`Shape` conversion when the value needs the standard way."""


@dataclass(frozen=True, slots=True)
class Shape:
    """A plain selection of one type: a leaf, a list of shapes, or an object's plain fields.

    ``convert`` is a function made once for the shape (:func:`_converter`): a page is tens of
    thousands of calls, so the kind of shape is decided when it is built, not at every value,
    and a String/ID/Boolean leaf holding exactly its Python type is taken as it is, without a call.
    """

    nullable: bool
    leaf: PlainLeaf | None = None
    item: Shape | None = None
    fields: tuple[tuple[str, str, Shape], ...] | None = None  # (response name, attribute, shape)
    convert: Callable[[Any], Any] = dataclass_field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "convert", _converter(self))


def _converter(shape: Shape) -> Callable[[Any], Any]:
    """``shape``'s conversion: the value as the answer shows it, or :class:`Irregular` for the standard way."""
    nullable = shape.nullable
    if shape.fields is not None:
        parts = tuple(
            (name, attribute, sub.leaf.same_as if sub.leaf is not None else None, sub.convert)
            for name, attribute, sub in shape.fields
        )

        def convert_object(value: Any) -> Any:
            if value is None:
                if nullable:
                    return None
                raise Irregular
            out = {}
            for name, attribute, same_as, convert in parts:
                found = getattr(value, attribute)
                out[name] = found if type(found) is same_as else convert(found)
            return out

        return convert_object
    if shape.item is not None:
        item = shape.item.convert

        def convert_list(value: Any) -> Any:
            if value is None:
                if nullable:
                    return None
                raise Irregular
            if type(value) is not list and type(value) is not tuple:  # a generator would be consumed twice
                raise Irregular
            return [item(one) for one in value]

        return convert_list
    leaf = shape.leaf
    assert leaf is not None

    def convert_leaf(value: Any) -> Any:
        if value is None:
            if nullable:
                return None
            raise Irregular
        converted = _read_value(value, leaf)
        if converted is Undefined:
            raise Irregular
        return converted

    return convert_leaf


class HubExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Per operation (graphql-core creates one for each execution); the plans live as long as it does."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Keyed like graphql-core's own memo of collected subfields: by identity of the field set,
        # kept alive with the plan so that its id cannot be reused during this execution.
        self._plans: dict[Hashable, tuple[GroupedFieldSet, list[Step]]] = {}
        self._shapes: dict[Hashable, tuple[FieldDetailsList, Shape | None]] = {}

    def execute_operation(self, serially: bool | None = None) -> Any:
        """graphql-core's, then the reference cycle through the resolve-info helpers is broken.

        Resolve infos keep their own reference to the helpers (work still settling in the
        background keeps working); only the executor's attribute goes, once the result is
        built. A subscription's per-event executors are shallow copies: each drops its own.
        """
        result = super().execute_operation(serially)
        if not self.is_awaitable(result):
            self._let_go()
            return result

        async def released() -> Any:
            try:
                return await result
            finally:
                self._let_go()

        return released()

    def _let_go(self) -> None:
        self.__dict__.pop("async_helpers", None)

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[Any]:
        shape = self._shape(return_type, field_details_list)
        if shape is not None:
            converted = _convert(shape, result)
            if converted is not Undefined:
                return converted
        return super().complete_value(return_type, field_details_list, info, path, result, position_context)

    def _shape(self, return_type: GraphQLOutputType, details: FieldDetailsList) -> Shape | None:
        key = (return_type, id(details))
        cached = self._shapes.get(key)
        if cached is not None:
            return cached[1]
        shape = self._build_shape(return_type, details, depth=0)
        self._shapes[key] = (details, shape)
        return shape

    def _build_shape(self, type_: GraphQLOutputType, details: FieldDetailsList, depth: int) -> Shape | None:
        if (self.middleware_manager is not None and self.middleware_manager.middlewares) or depth > MAX_SHAPE_DEPTH:
            return None
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        nullable = inner is type_
        if isinstance(inner, GraphQLList):
            item = self._build_shape(inner.of_type, details, depth + 1)
            return None if item is None else Shape(nullable, item=item)
        if is_leaf_type(inner):
            return Shape(nullable, leaf=_leaf_reader("", inner, nullable))
        if not isinstance(inner, GraphQLObjectType) or inner.is_type_of is not None:
            return None
        grouped, defer_usages, _ = self.collect_subfields(inner, details)
        if defer_usages:
            return None
        fields: list[tuple[str, str, Shape]] = []
        for name, sub_details in grouped.items():
            node = sub_details[0].node
            field_def = self.schema.get_field(inner, node.name.value)
            attribute = _plain_attribute(field_def, node)
            if field_def is None or attribute is None:
                return None
            sub = self._build_shape(field_def.type, sub_details, depth + 1)
            if sub is None:
                return None
            fields.append((name, attribute, sub))
        return Shape(nullable, fields=tuple(fields))

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet) -> list[Step]:
        key = (parent_type, id(grouped_field_set))
        cached = self._plans.get(key)
        if cached is not None:
            return cached[1]
        steps = [(name, details, self._plain_leaf(parent_type, details)) for name, details in grouped_field_set.items()]
        self._plans[key] = (grouped_field_set, steps)
        return steps

    def _plain_leaf(self, parent_type: GraphQLObjectType, details: FieldDetailsList) -> PlainLeaf | None:
        node = details[0].node
        field_def = self.schema.get_field(parent_type, node.name.value)
        attribute = _plain_attribute(field_def, node)
        if field_def is None or attribute is None:
            return None
        field_type = field_def.type
        inner = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
        nullable = inner is field_type
        return _leaf_reader(attribute, inner, nullable) if is_leaf_type(inner) else None

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        if self.middleware_manager is not None and self.middleware_manager.middlewares:
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, details, leaf in self._plan(parent_type, grouped_field_set):
                if leaf is not None:
                    value = _read_leaf(source_value, leaf)
                    if value is not Undefined:
                        results[response_name] = value
                        continue
                result = self.execute_field(
                    parent_type, source_value, details, Path(path, response_name, parent_type.name), position_context
                )
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaitable_fields) == 1:
                field = awaitable_fields[0]
                results[field] = await results[field]
            else:
                awaited = await gather_with_cancel(*(results[field] for field in awaitable_fields))
                results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()


MAX_SHAPE_DEPTH = 12


def _convert(shape: Shape, value: Any) -> Any:
    """``value`` converted by ``shape``, or Undefined when anything about it needs the standard way."""
    try:
        return shape.convert(value)
    except Exception:
        return Undefined


def _plain_attribute(field_def: GraphQLField | None, node: Any) -> str | None:
    """The attribute a field reads when it is a Strawberry field without resolver, arguments or extensions."""
    if field_def is None or field_def.args or node.arguments:
        return None
    if not getattr(field_def.resolve, "_is_default", False):  # Strawberry's getter for resolver-less fields
        return None
    definition = (field_def.extensions or {}).get(DEFINITION)
    if definition is None or definition.default_resolver is not getattr:
        return None
    return str(definition.python_name)


UNCHANGED: Mapping[Any, type] = MappingProxyType({GraphQLString: str, GraphQLID: str, GraphQLBoolean: bool})


def _leaf_reader(attribute: str, leaf: Any, nullable: bool) -> PlainLeaf:
    if isinstance(leaf, CustomGraphQLEnumType):
        return PlainLeaf(attribute, leaf, nullable, leaf.wrapped_cls, _enum_names(leaf))
    return PlainLeaf(attribute, leaf, nullable, same_as=UNCHANGED.get(leaf))


def _read_leaf(source: Any, leaf: PlainLeaf) -> Any:
    """The coerced value, or Undefined when the standard way must handle it (and report any error)."""
    try:
        value = getattr(source, leaf.attribute)
    except Exception:
        return Undefined
    if value is None:
        return None if leaf.nullable else Undefined
    return _read_value(value, leaf)


def _read_value(value: Any, leaf: PlainLeaf) -> Any:
    """``value`` (not None) coerced for ``leaf``'s type, or Undefined for the standard way."""
    if type(value) is leaf.same_as:
        return value
    try:
        if isinstance(value, Exception):  # graphql-core raises it as the field's error
            return Undefined
        if leaf.names is not None and type(value) is leaf.enum_class:
            return leaf.names.get(value, Undefined)
        coerced = leaf.leaf_type.coerce_output_value(value)
    except Exception:
        return Undefined
    return Undefined if coerced is None else coerced


def slim_resolvers(schema: GraphQLSchema, config: StrawberryConfig) -> int:
    """Gives every argument-less resolver field outside the root types a direct resolve function.

    Also notes each enum type's output names on it (:data:`ENUM_NAMES`).

    Answers how many fields were changed.
    """
    roots = {schema.query_type, schema.mutation_type, schema.subscription_type}
    changed = 0
    for named in schema.type_map.values():
        if isinstance(named, CustomGraphQLEnumType):  # its output names, worked out once instead of per operation
            setattr(named, ENUM_NAMES, MappingProxyType(dict(_enum_names(named))))
        if not isinstance(named, GraphQLObjectType) or named in roots or is_introspection_type(named):
            continue
        for field in named.fields.values():
            direct = _direct(field, config)
            if direct is not None:
                field.resolve = direct
                changed += 1
    return changed


def _direct(field: GraphQLField, config: StrawberryConfig) -> Any:
    definition = (field.extensions or {}).get(DEFINITION)
    if type(definition) is not StrawberryField or field.args:
        return None
    resolver = definition.base_resolver
    if resolver is None or definition.extensions or resolver.arguments:
        return None
    if resolver.root_parameter is not None or resolver.parent_parameter is not None:
        return None
    call = resolver.__call__
    with_self = resolver.self_parameter is not None
    info_parameter = resolver.info_parameter
    if info_parameter is None:
        if with_self:
            return lambda source, info: call(source)
        return lambda source, info: call()
    info_name, info_class = info_parameter.name, config.info_class

    def direct(source: Any, info: GraphQLResolveInfo[Any]) -> Any:
        strawberry_info = info_class(_raw_info=info, _field=definition)
        return call(source, **{info_name: strawberry_info}) if with_self else call(**{info_name: strawberry_info})

    return direct
