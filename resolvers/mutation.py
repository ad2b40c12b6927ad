"""The root Mutation, assembled from per-area parts."""

from __future__ import annotations

import strawberry

from resolvers.transfers import TransferMutations


@strawberry.type
class Mutation(TransferMutations):
    pass
