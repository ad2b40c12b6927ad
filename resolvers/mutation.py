"""The root Mutation, assembled from per-area parts."""

from __future__ import annotations

import strawberry

from resolvers.coordination import CoordinationMutations
from resolvers.interagency import InteragencyMutations
from resolvers.transfers import TransferMutations
from resolvers.webhooks import WebhookMutations


@strawberry.type
class Mutation(TransferMutations, CoordinationMutations, WebhookMutations, InteragencyMutations):
    pass
