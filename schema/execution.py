"""The execution context: query operations run by compiled plans, the rest by graphql-core.

A query operation runs by its plan (``schema/plans.py``): made the first time the operation is
run with its ``@skip``/``@include`` values, kept in the schema's :class:`~schema.plan_cache.PlanCache`
and reused by every later request of the same document, whatever its other variables. Mutations
(executed serially), subscriptions, ``@defer``/``@stream`` and anything else listed in
:data:`schema.plan_cache.REASONS` go graphql-core's own way, counted on /metrics.

:func:`prepare_execution` readies a schema once when it is built: it gives every argument-less
resolver field outside the root types a resolve function that calls the resolver directly —
``self`` and, if asked for, ``info`` — instead of Strawberry's general one, which converts
arguments and runs field extensions on every call (fields with arguments, field extensions such as
permissions, or reserved ``root``/``parent`` parameters keep Strawberry's); it notes each enum's
output names; and it attaches the plan cache.

When the operation's result is built, the executor lets go of its resolve-info helpers
(:meth:`HubExecutionContext.execute_operation`). graphql-core keeps them as bound methods of
the executor, a reference cycle through which the whole operation — the request's context,
its DataLoaders and every agency record they hold — would wait for the cyclic garbage
collector instead of being freed by reference counting as the answer leaves (measured on
judgment-360: about 1,600 objects a request, and the collections scanning them cost a fifth
of the hub's CPU).

Depends on graphql-core internals: its version is pinned in pyproject.toml.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLField,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    is_introspection_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet, collect_fields
from graphql.execution.values import get_argument_values
from graphql.language import OperationType
from graphql.pyutils import RefMap
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import CustomGraphQLEnumType
from strawberry.types.field import StrawberryField

from schema.plan_cache import PlanCache
from schema.plans import DEFINITION, ENUM_NAMES, WANTS_INFO, FieldPlan, ObjectPlan, enum_names, run_fields

PLANS = "hub_plans"
"""Attribute of a prepared ``GraphQLSchema`` holding its :class:`PlanCache`."""


def plan_cache_of(schema: GraphQLSchema) -> PlanCache | None:
    """The schema's plan cache (None: a schema not prepared by :func:`prepare_execution`)."""
    found: PlanCache | None = getattr(schema, PLANS, None)
    return found


class HubExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Per operation (graphql-core creates one for each execution); arguments coerced once per field here."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._arguments: dict[FieldPlan, dict[str, Any]] = {}

    def execute_operation(self, serially: bool | None = None) -> Any:
        """By the operation's plan when there is one, else graphql-core's; then the helpers' cycle is broken.

        Resolve infos keep their own reference to the helpers (work still settling in the
        background keeps working); only the executor's attribute goes, once the result is
        built. A subscription's per-event executors are shallow copies: each drops its own.
        """
        plan = self._root_plan(serially)
        result = super().execute_operation(serially) if plan is None else self._run(plan)
        if not self.is_awaitable(result):
            self._let_go()
            return result

        async def released() -> Any:
            try:
                return await result
            finally:
                self._let_go()

        return released()

    def build_per_event_executor(self, payload: Any) -> Any:
        """graphql-core's copy for one subscription event, with memos of its own.

        The copy would share the subscription's memos, keyed by the identity of field sets that are
        collected anew for every event and never found again: each event's entries stayed for as long
        as the subscription lived (the soak's growth, ``tests/unit/test_subscription_memory.py``).
        """
        executor = super().build_per_event_executor(payload)
        assert isinstance(executor, HubExecutionContext)  # a copy of this one
        executor._relevant_sub_fields = {}
        executor._stream_usages = RefMap()
        executor._initial_execution_plans = RefMap()
        executor._deferred_execution_plans = RefMap()
        executor._arguments = {}
        return executor

    def _let_go(self) -> None:
        self.__dict__.pop("async_helpers", None)

    def _root_plan(self, serially: bool | None) -> ObjectPlan | None:
        cache = plan_cache_of(self.schema)
        if cache is None:
            return None
        reason = self._refusal(serially)
        if reason is not None:
            cache.fell_back(reason)
            return None
        entry = cache.entry(self.operation, self.fragment_definitions)
        if entry.refusal is not None:
            cache.fell_back(entry.refusal)
            return None
        signature = entry.signature(self.variable_values.coerced)
        if signature is None:
            cache.fell_back("directive-variables")
            return None
        plan = entry.plans.get(signature)
        if plan is None:
            plan = self._compile_root()
            if plan is None:
                cache.fell_back("too-deep")
                return None
            entry.keep(signature, plan)
            cache.compiled += 1
        cache.planned += 1
        return plan

    def _refusal(self, serially: bool | None) -> str | None:
        operation_type = self.operation.operation
        if operation_type is OperationType.MUTATION or serially:
            return "mutation"
        if operation_type is not OperationType.QUERY:
            return "subscription"
        if self.middleware_manager is not None and self.middleware_manager.middlewares:
            return "middleware"
        if self.abort_signal is not None:
            return "abort-signal"
        return None

    def _compile_root(self) -> ObjectPlan | None:
        root_type = self.schema.query_type
        assert root_type is not None  # a schema always has one
        try:
            grouped, _, _ = collect_fields(
                self.schema, self.fragments, self.variable_values, root_type, self.operation, self.hide_suggestions
            )
        except RecursionError:
            return None  # graphql-core reports it, its own way
        return self._object_plan(root_type, grouped)

    def object_plan(self, object_type: GraphQLObjectType, details: FieldDetailsList) -> ObjectPlan:
        """The plan of the sub-fields of ``details`` on ``object_type`` (collected by graphql-core)."""
        grouped, _, _ = self.collect_subfields(object_type, details)
        return self._object_plan(object_type, grouped)

    def _object_plan(self, object_type: GraphQLObjectType, grouped: GroupedFieldSet) -> ObjectPlan:
        fields = []
        for name, details in grouped.items():
            field_def = self.schema.get_field(object_type, details[0].node.name.value)
            if field_def is not None:  # graphql-core leaves an unknown field out of the answer
                fields.append(FieldPlan(object_type, name, details, field_def))
        return ObjectPlan(object_type.name, tuple(fields))

    def plan_args(self, field: FieldPlan) -> dict[str, Any]:
        """``field``'s arguments with this request's variables, coerced once per operation."""
        found = self._arguments.get(field)
        if found is None:
            first = field.details[0]
            found = get_argument_values(
                field.field_def, first.node, self.variable_values, first.fragment_variable_values, self.hide_suggestions
            )
            self._arguments[field] = found
        return found

    def _run(self, plan: ObjectPlan) -> Any:
        """As graphql-core's ``execute_operation`` once its root fields are collected."""
        try:
            data = run_fields(self, plan, self.root_value, None)
        except GraphQLError as error:
            self.collected_errors.add(error, None)
            return self.finish(self.build_response(None))
        if not self.is_awaitable(data):
            return self.finish(self.build_response(data))

        async def await_result() -> Any:
            try:
                completed = await data
            except GraphQLError as error:
                self.collected_errors.add(error, None)
                return self.build_response(None)
            except Exception:
                await self.cancel_incremental_work()
                self.run_async_work_finished_hook()
                raise
            return self.build_response(completed)

        return await_result()


def prepare_execution(schema: GraphQLSchema, config: StrawberryConfig) -> int:
    """Readies a built schema for the hub's execution context: direct resolvers, enum names, a plan cache.

    Answers how many fields got a direct resolve function.
    """
    setattr(schema, PLANS, PlanCache())
    roots = {schema.query_type, schema.mutation_type, schema.subscription_type}
    changed = 0
    for named in schema.type_map.values():
        if isinstance(named, CustomGraphQLEnumType):  # its output names, worked out once instead of per operation
            setattr(named, ENUM_NAMES, MappingProxyType(dict(enum_names(named))))
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
            return _without_info(lambda source, info: call(source))
        return _without_info(lambda source, info: call())
    info_name, info_class = info_parameter.name, config.info_class

    def direct(source: Any, info: GraphQLResolveInfo[Any]) -> Any:
        strawberry_info = info_class(_raw_info=info, _field=definition)
        return call(source, **{info_name: strawberry_info}) if with_self else call(**{info_name: strawberry_info})

    return direct


def _without_info(resolve: Any) -> Any:
    """``resolve`` marked as never reading its ``info`` argument: a plan passes None instead of building one."""
    setattr(resolve, WANTS_INFO, False)
    return resolve
