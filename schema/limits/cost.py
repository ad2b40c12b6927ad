"""The estimated cost of an operation, bounded before it runs (how it is estimated: ``schema.limits``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NoFragmentCyclesRule,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_introspection_type,
    validate,
)
from strawberry.extensions import (
    SchemaExtension,
)

from domain.messages import msg
from schema.limits.refusals import too_complex

PAGE_ARGUMENTS = ("first", "last", "limit")
_WALK_LIMIT = 64  # the cost walk stops descending here; the depth limiter refuses such documents anyway


class MaxCost(SchemaExtension):
    """Refuses an operation whose estimated cost (see the module docstring) is above ``max_cost``,
    or whose fragments expand it to more than ``max_fields`` fields.

    Checked before validation, in time linear in the document (fragments are measured once):
    spreading a fragment twice in each of 30 fragments expands to 2³⁰ fields, and some
    validation rules walk every expanded field. A refused document is not validated at all.
    The page sizes may come from the variables, which validation rules cannot see.
    (``schema.limits.token_pass`` refuses most fragment bombs on the text already; this stays
    the bound for what its count cannot see.)

    Fragments that spread each other in a cycle, which the walk meets, are refused here too with
    graphql-core's own rule alone (``GRAPHQL_VALIDATION_FAILED``): the other rules would walk
    the whole document for nothing (a refusal costs ~3 ms more through every rule).
    """

    def __init__(self, max_cost: int, max_fields: int, default_page_size: int) -> None:
        self.max_cost = max_cost
        self.max_fields = max_fields
        self.default_page_size = default_page_size

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.graphql_document is not None and ctx.pre_execution_errors is None:
            schema = ctx.schema._schema  # the graphql-core schema, as Strawberry's own validation uses it
            cost, fields, cycle = measure(
                schema, ctx.graphql_document, ctx.operation_name, ctx.variables or {}, self.default_page_size
            )
            cycles = validate(schema, ctx.graphql_document, [NoFragmentCyclesRule]) if cycle else []
            if cycles:
                ctx.pre_execution_errors = cycles
            elif fields > self.max_fields:
                ctx.pre_execution_errors = [
                    too_complex(
                        msg(
                            "The document expands to {fields} fields through its fragments, more than {limit}.",
                            fields=fields,
                            limit=self.max_fields,
                        ),
                        fields=fields,
                        maxFields=self.max_fields,
                    )
                ]
            elif cost > self.max_cost:
                ctx.pre_execution_errors = [
                    too_complex(
                        msg(
                            "The query costs {cost}, more than the limit of {limit}: ask for smaller pages "
                            "(first/limit) or fewer fields.",
                            cost=cost,
                            limit=self.max_cost,
                        ),
                        cost=cost,
                        maxCost=self.max_cost,
                    )
                ]
        yield


def measure(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any],
    default_page_size: int,
) -> tuple[int, int, bool]:
    """The estimated cost and the number of fields once fragments are expanded, of the operation that
    would run (the largest of each if that is not yet clear), and whether a fragment spreads itself."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [op for op in operations if op.name is not None and op.name.value == operation_name]
    walk = _Walk(schema, document, variables, default_page_size)
    sizes = [walk.operation(op) for op in operations]
    return max((c for c, _ in sizes), default=0), max((f for _, f in sizes), default=0), walk.cycle


class _Walk:
    """Walks selections with the schema's types; robust to documents validation would refuse.

    Each fragment is measured once per page size in effect (memo), so the walk is linear.
    """

    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any], page_size: int
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.page_size = page_size
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.defaults: dict[str, Any] = {}
        self.memo: dict[tuple[str, int | None], tuple[int, int]] = {}
        self.cycle = False

    def operation(self, op: OperationDefinitionNode) -> tuple[int, int]:
        self.defaults = {
            v.variable.name.value: int(v.default_value.value)
            for v in op.variable_definitions or ()
            if isinstance(v.default_value, IntValueNode)
        }
        self.memo = {}
        root = self.schema.get_root_type(op.operation)
        return self.selections(op.selection_set, root, None, frozenset(), 0) if root else (0, 0)

    def selections(
        self,
        selection_set: SelectionSetNode | None,
        parent: GraphQLNamedType | None,
        page: int | None,
        open_fragments: frozenset[str],
        depth: int,
    ) -> tuple[int, int]:
        if selection_set is None or depth > _WALK_LIMIT:
            return 0, 0
        cost = fields = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                c, f = self.field(selection, parent, page, open_fragments, depth)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                c, f = self.selections(selection.selection_set, target, page, open_fragments, depth)
            elif isinstance(selection, FragmentSpreadNode):
                c, f = self.spread(selection.name.value, page, open_fragments, depth)
            else:
                c, f = 0, 0
            cost += c
            fields += f
        return cost, fields

    def spread(self, name: str, page: int | None, open_fragments: frozenset[str], depth: int) -> tuple[int, int]:
        fragment = self.fragments.get(name)
        if fragment is None or name in open_fragments:  # unknown or a cycle: validation refuses both
            self.cycle = self.cycle or fragment is not None
            return 0, 0
        key = (name, page)
        if key not in self.memo:
            target = self.schema.get_type(fragment.type_condition.name.value)
            self.memo[key] = self.selections(fragment.selection_set, target, page, open_fragments | {name}, depth)
        return self.memo[key]

    def field(
        self,
        node: FieldNode,
        parent: GraphQLNamedType | None,
        page: int | None,
        open_fragments: frozenset[str],
        depth: int,
    ) -> tuple[int, int]:
        name = node.name.value
        typed = isinstance(parent, GraphQLObjectType | GraphQLInterfaceType)
        definition = parent.fields.get(name) if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else None
        introspection = name.startswith("__") or not typed or is_introspection_type(parent)  # type: ignore[arg-type]
        if definition is None or introspection:
            # introspection is free (bounded by the schema), a field validation will refuse costs 1; both count
            _, fields = self.selections(node.selection_set, None, None, open_fragments, depth + 1)
            return (0 if introspection else 1), 1 + fields
        own_page = self.page_argument(node, definition.args)
        child_type = get_named_type(definition.type)
        if isinstance(get_nullable_type(definition.type), GraphQLList):
            items = own_page if own_page is not None else page if page is not None else self.page_size
            cost, fields = self.selections(node.selection_set, child_type, None, open_fragments, depth + 1)
            return 1 + max(items, 0) * cost, 1 + fields
        # a connection: its page size applies to the list inside it (edges, nodes)
        cost, fields = self.selections(node.selection_set, child_type, own_page, open_fragments, depth + 1)
        return 1 + cost, 1 + fields

    def page_argument(self, node: FieldNode, args: Mapping[str, Any]) -> int | None:
        given = {a.name.value: a.value for a in node.arguments or ()}
        for name in PAGE_ARGUMENTS:
            if name not in args:
                continue
            value = given.get(name)
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, VariableNode):
                raw = self.variables.get(value.name.value, self.defaults.get(value.name.value))
                if isinstance(raw, int) and not isinstance(raw, bool):
                    return raw
                return self.page_size
            default = args[name].default_value
            if isinstance(default, int) and not isinstance(default, bool):
                return default
            return self.page_size
        return None
