"""WebSocket protocol handlers: Strawberry's, except when the hub's database does not answer a ``connection_init``.

A connection is authorised in ``connection_init`` (``HubGraphQL.on_ws_connect`` reads the token's
grants from the registry). When the database refuses that read, Strawberry let the exception
escape: uvicorn logged "Exception in ASGI application" with a traceback at ERROR and the client
saw the socket drop with no close code. Here the socket is closed with ``1013`` "Try Again Later"
(RFC 6455's registry; graphql-ws clients reconnect after it, as after a restart) and the log has
one WARNING line. The legacy ``graphql-ws`` protocol first sends ``connection_error`` with
``code: DATABASE_UNAVAILABLE``, the one way it has to say why. Any other failure is Strawberry's
as before. Both handlers are set on the view::

    class HubGraphQL(GraphQL[Context, None]):
        graphql_transport_ws_handler_class = TransportWSHandler
        graphql_ws_handler_class = LegacyWSHandler
"""

from __future__ import annotations

import logging
from typing import Final

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import ConnectionInitMessage as LegacyConnectionInitMessage

from ledger.db import is_unavailable
from resolvers.context import Context

log = logging.getLogger("lienthong.gateway")

TRY_AGAIN_LATER: Final = 1013
"""WebSocket close code: the server cannot serve now, the client should reconnect later."""
UNAVAILABLE_REASON: Final = "The hub's database is not answering; retry later."


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws: the database not answering ``connection_init`` closes the socket with 1013."""

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            log.warning("WebSocket connection_init: database unavailable: %s", exc)
            await self.websocket.close(code=TRY_AGAIN_LATER, reason=UNAVAILABLE_REASON)


class LegacyWSHandler(BaseGraphQLWSHandler[Context, None]):
    """graphql-ws (legacy): ``connection_error`` with ``DATABASE_UNAVAILABLE``, then the socket closed with 1013."""

    async def handle_connection_init(self, message: LegacyConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            log.warning("WebSocket connection_init (graphql-ws): database unavailable: %s", exc)
            await self.send_message(
                {"type": "connection_error", "payload": {"message": UNAVAILABLE_REASON, "code": "DATABASE_UNAVAILABLE"}}
            )
            await self.websocket.close(code=TRY_AGAIN_LATER, reason=UNAVAILABLE_REASON)
