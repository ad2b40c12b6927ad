"""Query/Mutation/Subscription parts per area, the request context and DataLoaders.

Resolvers are thin: they check input, call ``ledger``, ``adapters`` and
``domain``, and convert results to schema types.
"""
