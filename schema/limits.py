"""Bounds on what one GraphQL document may ask, checked before anything runs.

Hostile or careless documents are refused at parse or validation time, so a
refusal costs no database or agency call. Every refusal carries
``extensions.code``:

- ``QUERY_TOO_COMPLEX`` — over a bound: tokens (parser), aliases, depth,
  directives, the estimated cost (with ``cost`` and ``maxCost``), or the
  fields once fragments are expanded (no more than the token bound: fragments
  spread twice in a chain would otherwise make validation exponential);
- ``GRAPHQL_PARSE_FAILED`` / ``GRAPHQL_VALIDATION_FAILED`` — any other
  parse or validation error;
- ``FORBIDDEN`` — introspection by anyone but an operator, in production.

The cost is a static estimate: every field costs 1, and the fields under a
list are counted once per item expected — the ``first``/``last``/``limit``
argument of the list field or of the connection holding it, or a default
page size. Introspection fields (``__schema``, ``__type``…) cost nothing:
their size is bounded by the schema. For example, with a page size of 20::

    { judgments(first: 50) { totalCount edges { node { id parties { name } } } } }

costs ``1 + 1 + (1 + 50 × (1 + 1 + (1 + 20 × 1))) = 1153``.

Extensions are returned as factories, never shared instances: an instance
would carry state between concurrent operations.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any

from graphql import (
    ASTValidationRule,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_introspection_type,
)
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    SchemaExtension,
)
from strawberry.extensions.max_aliases import create_validator as max_aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_limit_rule

from domain.access import Role
from schema.document_cache import DocumentCache, DocumentMemo

TOO_COMPLEX = "QUERY_TOO_COMPLEX"
PAGE_ARGUMENTS = ("first", "last", "limit")
# Strawberry's own limiters report without a code; their messages are recognised here (tests pin them).
_BUILT_IN_LIMIT = re.compile(r"tokens\. Parsing aborted|aliases found\. Allowed|exceeds maximum operation depth")
_SUGGESTION = re.compile(r"\s*Did you mean\b.*$", re.DOTALL)
_WALK_LIMIT = 64  # the cost walk stops descending here; the depth limiter refuses such documents anyway


def limit_extensions(
    *,
    max_depth: int,
    max_tokens: int,
    max_aliases: int,
    max_directives: int,
    max_cost: int,
    default_page_size: int,
    schema_open_to_all: bool,
) -> list[Callable[[], SchemaExtension]]:
    """The document bounds and the schema-disclosure policy, as per-operation factories.

    The last one remembers parsed documents and passed validations (``schema/document_cache.py``):
    one memory for every operation these factories serve, none shared with another schema.
    """
    memo = DocumentMemo()
    # The validation rules are classes made from their limits: made once here, not by every
    # operation's extension (three classes a request, for documents the memo spares validating).
    rules = [
        max_aliases_rule(max_aliases),
        depth_limit_rule(max_depth, should_ignore=None),
        _directive_counter(max_directives),
    ]
    return [
        RefusalCodes,
        partial(MaxTokensLimiter, max_token_count=max_tokens),
        partial(AddValidationRules, rules),  # as Strawberry's MaxAliasesLimiter and QueryDepthLimiter
        partial(MaxCost, max_cost=max_cost, max_fields=max_tokens, default_page_size=default_page_size),
        partial(SchemaDisclosure, open_to_all=schema_open_to_all),
        partial(DocumentCache, memo),
    ]


def too_complex(message: str, **extensions: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": TOO_COMPLEX, **extensions})


class RefusalCodes(SchemaExtension):
    """Gives every parse and validation error a code, so clients can tell a refusal from a mistake."""

    def on_parse(self) -> Iterator[None]:
        yield
        self._tag("GRAPHQL_PARSE_FAILED")

    def on_validate(self) -> Iterator[None]:
        yield
        self._tag("GRAPHQL_VALIDATION_FAILED")

    def _tag(self, default: str) -> None:
        for error in self.execution_context.pre_execution_errors or ():
            if (error.extensions or {}).get("code"):
                continue
            code = TOO_COMPLEX if _BUILT_IN_LIMIT.search(error.message) else default
            error.extensions = {**(error.extensions or {}), "code": code}


def _directive_counter(limit: int) -> type[ASTValidationRule]:
    """A rule refusing documents with more than ``limit`` directives (``@skip``, ``@include``…).

    With ``limit`` 50, ``{ me @skip(if: false) @skip(if: false) … }`` with 51 of them is refused:
    repeated directives multiply validation and execution work.
    """

    class DirectiveCount(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.count = 0

        def enter_directive(self, node: DirectiveNode, *_args: object) -> None:
            self.count += 1
            if self.count == limit + 1:
                self.report_error(too_complex(f"The document has more than {limit} directives.", maxDirectives=limit))

    return DirectiveCount


class MaxCost(SchemaExtension):
    """Refuses an operation whose estimated cost (see the module docstring) is above ``max_cost``,
    or whose fragments expand it to more than ``max_fields`` fields.

    Checked before validation, in time linear in the document (fragments are measured once):
    spreading a fragment twice in each of 30 fragments expands to 2³⁰ fields, and some
    validation rules walk every expanded field. A refused document is not validated at all.
    The page sizes may come from the variables, which validation rules cannot see.
    """

    def __init__(self, max_cost: int, max_fields: int, default_page_size: int) -> None:
        self.max_cost = max_cost
        self.max_fields = max_fields
        self.default_page_size = default_page_size

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.graphql_document is not None and ctx.pre_execution_errors is None:
            schema = ctx.schema._schema  # the graphql-core schema, as Strawberry's own validation uses it
            cost, fields = measure(
                schema, ctx.graphql_document, ctx.operation_name, ctx.variables or {}, self.default_page_size
            )
            if fields > self.max_fields:
                ctx.pre_execution_errors = [
                    too_complex(
                        f"The document expands to {fields} fields through its fragments, more than {self.max_fields}.",
                        fields=fields,
                        maxFields=self.max_fields,
                    )
                ]
            elif cost > self.max_cost:
                ctx.pre_execution_errors = [
                    too_complex(
                        f"The query costs {cost}, more than the limit of {self.max_cost}: ask for smaller pages "
                        "(first/limit) or fewer fields.",
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
) -> tuple[int, int]:
    """The estimated cost and the number of fields once fragments are expanded, of the operation that
    would run (the largest of each if that is not yet clear)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [op for op in operations if op.name is not None and op.name.value == operation_name]
    walk = _Walk(schema, document, variables, default_page_size)
    sizes = [walk.operation(op) for op in operations]
    return max((c for c, _ in sizes), default=0), max((f for _, f in sizes), default=0)


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


class SchemaDisclosure(SchemaExtension):
    """Introspection and "Did you mean …?" suggestions only for operators, unless ``open_to_all`` (demo).

    Suggestions let a client without introspection rebuild the schema field by field, so they are
    stripped from every error message for the same principals that are refused introspection.
    """

    def __init__(self, open_to_all: bool) -> None:
        self.open_to_all = open_to_all

    def on_operation(self) -> Iterator[None]:
        closed = not self._may_see_schema()
        if closed:
            ctx = self.execution_context
            ctx.validation_rules = (*ctx.validation_rules, OperatorOnlyIntrospection)
        yield
        if closed:
            _strip_suggestions(getattr(self.execution_context.result, "errors", None))

    def on_stream_result(self, result: object) -> Iterator[None]:
        if not self._may_see_schema():
            _strip_suggestions(getattr(result, "errors", None))
        yield

    def _may_see_schema(self) -> bool:
        if self.open_to_all:
            return True
        principal = getattr(self.execution_context.context, "principal", None)
        return principal is not None and principal.has(Role.OPERATOR)


def _strip_suggestions(errors: list[GraphQLError] | None) -> None:
    for error in errors or ():
        if "Did you mean" in error.message:
            error.message = _SUGGESTION.sub("", error.message)


class OperatorOnlyIntrospection(ValidationRule):
    """Refuses fields of the introspection types (``__schema``, ``__type``); ``__typename`` stays allowed."""

    def enter_field(self, node: FieldNode, *_args: object) -> None:
        named = get_named_type(self.context.get_type())
        if named is not None and is_introspection_type(named):
            self.report_error(
                GraphQLError(
                    f"Introspection ('{node.name.value}') is only open to the operator role in production.",
                    node,
                    extensions={"code": "FORBIDDEN"},
                )
            )
