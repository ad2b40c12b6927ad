"""The root Mutation, assembled from per-area parts."""

from __future__ import annotations

import strawberry

from resolvers.transfers import TransferMutations
from resolvers.webhooks import WebhookMutations


@strawberry.type
class Mutation(TransferMutations, WebhookMutations):
    pass
