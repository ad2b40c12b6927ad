"""The plans of recently run operations, one cache per schema, and how many ran which way.

An operation's plan (``schema/plans.py``) depends on its document and on the variables that
``@skip``/``@include`` read — nothing else of a request: one document sent with new variables runs
the same plan. Documents come from the document cache (``schema/document_cache.py``), so the same
text gives the same operation node; the cache is keyed by that node (held by its entry, so its
identity cannot be reused while it is kept), bounded, least recently used out first.

Operations a plan does not run go graphql-core's own way, counted by reason (:data:`REASONS`) and
shown on /metrics as ``lienthong_graphql_operations_total{way="graphql-core",reason=…}``.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Hashable, Mapping
from typing import Any

from graphql import DirectiveNode, FragmentDefinitionNode, OperationDefinitionNode, VariableNode, Visitor, visit

from schema.plans import ObjectPlan

DEFAULT_SIZE = 256
SIGNATURES_PER_OPERATION = 16  # distinct @skip/@include values kept per operation

REASONS = (
    "mutation",  # run serially, field by field: the standard way
    "subscription",
    "middleware",
    "abort-signal",
    "incremental-delivery",  # @defer / @stream
    "fragment-variables",
    "directive-variables",  # a variable read by a directive is not a plain value
    "too-deep",  # collecting the fields overflowed the stack: graphql-core reports it
)


class OperationEntry:
    """One operation: whether a plan can run it, what its plans depend on, and the plans made so far."""

    __slots__ = ("directive_variables", "operation", "plans", "refusal")

    def __init__(self, operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        self.operation = operation
        scan = _DirectiveScan()
        visit(operation, scan)
        for fragment in fragments.values():
            visit(fragment, scan)
        self.directive_variables = tuple(sorted(scan.variables))
        self.refusal: str | None = (
            "incremental-delivery" if scan.incremental else "fragment-variables" if scan.fragment_variables else None
        )
        self.plans: OrderedDict[Hashable, ObjectPlan] = OrderedDict()

    def signature(self, coerced: Mapping[str, Any]) -> Hashable | None:
        """The values of the directives' variables (None when one cannot be a key)."""
        key = tuple(coerced.get(name) for name in self.directive_variables)
        try:
            hash(key)
        except TypeError:
            return None
        return key

    def keep(self, signature: Hashable, plan: ObjectPlan) -> None:
        self.plans[signature] = plan
        if len(self.plans) > SIGNATURES_PER_OPERATION:
            self.plans.popitem(last=False)


class _DirectiveScan(Visitor):
    """Variables read inside directives; whether ``@defer``/``@stream`` or fragment variables appear."""

    def __init__(self) -> None:
        super().__init__()
        self.variables: set[str] = set()
        self.incremental = False
        self.fragment_variables = False
        self._inside = 0

    def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
        self._inside += 1
        if node.name.value in ("defer", "stream"):
            self.incremental = True

    def leave_directive(self, node: DirectiveNode, *_: Any) -> None:
        self._inside -= 1

    def enter_variable(self, node: VariableNode, *_: Any) -> None:
        if self._inside:
            self.variables.add(node.name.value)

    def enter_fragment_definition(self, node: FragmentDefinitionNode, *_: Any) -> None:
        if getattr(node, "variable_definitions", None):
            self.fragment_variables = True


class PlanCache:
    """Per schema (made with it, never module-wide): operation entries, LRU; counters for /metrics."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[int, OperationEntry] = OrderedDict()
        self.planned = 0
        self.compiled = 0
        self.fallbacks: Counter[str] = Counter()

    def __len__(self) -> int:
        return len(self._entries)

    def entry(
        self, operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
    ) -> OperationEntry:
        key = id(operation)
        found = self._entries.get(key)
        if found is not None and found.operation is operation:
            self._entries.move_to_end(key)
            return found
        made = OperationEntry(operation, fragments)
        self._entries[key] = made
        if len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return made

    def fell_back(self, reason: str) -> None:
        self.fallbacks[reason] += 1
