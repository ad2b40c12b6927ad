"""The GraphQL endpoint: Strawberry's ASGI view with our context, auth and JSON."""

from __future__ import annotations

import asyncio
from json import JSONDecodeError
from typing import Any, Final

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.websockets import WebSocket, WebSocketState
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from domain.access import Principal
from domain.messages import language_of, msg, tell
from domain.policy import AccessPolicy
from gateway.authority import NotGranted
from gateway.delivery import target_guard
from gateway.graphiql import GRAPHIQL_PATH
from gateway.identity import AuthError, bearer_token
from gateway.state import HubState
from gateway.ws_protocols import LegacyWSHandler, TransportWSHandler
from resolvers.context import Context
from schema.graphql_messages import told
from schema.limits.token_pass import TextBounds

SUBSCRIPTION_OVER_HTTP: Final = msg(
    "Subscriptions are served over WebSocket at /graphql (protocol graphql-transport-ws, token in "
    "connection_init); a plain HTTP request can carry queries and mutations only."
)
NOT_AN_OPERATION: Final = msg(
    'A GraphQL request is a JSON object ({{"query": "…", "variables": {{…}}}}), or, for a batch, '
    "a non-empty array of such objects."
)
NOT_UTF8: Final = msg("The request body is not UTF-8 JSON.")
EXPIRED_CLOSE_CODE: Final = 4403  # graphql-transport-ws "Forbidden", as for a refused connection_init
NOBODY = Principal(agency_code="", roles=frozenset())


class HubGraphQL(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = TransportWSHandler  # the database down at connection_init: 1013, retry
    graphql_ws_handler_class = LegacyWSHandler

    def __init__(self, hub: HubState, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.hub = hub
        self.policy = AccessPolicy(hub.agencies)
        limits = hub.settings.query_limits
        self.text_bounds = TextBounds(  # the schema's own (schema.limits), to look at a document as cheaply
            max_tokens=limits.max_tokens,
            max_aliases=limits.max_aliases,
            max_directives=limits.max_directives,
            max_depth=limits.max_depth,
        )
        self.webhook_targets = target_guard(hub.settings)
        self._closing: set[asyncio.Task[None]] = set()  # sockets being closed at token expiry

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        state = request.scope.get("state", {})
        return Context(
            principal=state.get("principal", NOBODY),
            sessions=self.hub.sessions,
            adapters=self.hub.adapters,
            signal=self.hub.signal,
            receipts=self.hub.receipts,
            deadlines=self.hub.deadlines,
            agencies=self.hub.agencies,
            policy=self.policy,
            request_id=state.get("request_id", "-"),
            clock=self.hub.clock,
            language=language_of(request.headers.get("accept-language")),  # refusals in Vietnamese or English
            earliest_judgment=self.hub.settings.earliest_judgment,
            date_bounds=self.hub.settings.date_bounds,
            distribution=self.hub.distribution,
            personnel_rules=self.hub.personnel_rules,
            report_targets=self.hub.report_targets,
            webhook_targets=self.webhook_targets,
            feeds=self.hub.feeds,
            audit_writer=self.hub.audit_writer,
            request=request,
            response=response,
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        """A browser asking /graphql for a page (demo mode) is sent to GraphiQL's own page, which loads
        nothing from elsewhere (``gateway/graphiql.py``); Strawberry's loaded its scripts from a CDN."""
        return RedirectResponse(GRAPHIQL_PATH, status_code=307)

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """graphql-transport-ws: the token comes in connection_init as {"Authorization": "Bearer …"}."""
        params = context.connection_params or {}
        asked = params.get("Accept-Language") or params.get("accept-language")  # messages' language, as a header would
        if isinstance(asked, str):
            context.language = language_of(asked)
        raw = params.get("Authorization") or params.get("authorization")
        try:
            context.principal = await self.hub.authority.verify(bearer_token(raw if isinstance(raw, str) else None))
        except NotGranted as exc:  # the refusal in the language asked for (connection_init, else the upgrade's header)
            raise ConnectionRejectionError(
                {"message": tell(exc.message, context.language), "code": "FORBIDDEN"}
            ) from exc
        except AuthError as exc:
            raise ConnectionRejectionError(
                {"message": tell(exc.message, context.language), "code": "UNAUTHENTICATED"}
            ) from exc
        if isinstance(context.request, WebSocket):
            self.hub.grant_watch.watch(context.request, context.principal)  # closed (4403) if a grant is revoked
            if context.principal.expires_at is not None:
                self._close_when_expired(context.request, context.principal.expires_at + self.hub.verifier.leeway_s)
        return None

    def _close_when_expired(self, websocket: WebSocket, expires_at: float) -> None:
        """A subscription lives no longer than its token: the socket is closed (4403) when the token expires.

        The client reconnects with a fresh token and resumes from its last cursor. A loop timer
        rather than a sleeping task per socket; when it fires on a socket already closed, it does nothing.
        """
        loop = asyncio.get_running_loop()

        def close() -> None:
            if websocket.client_state is WebSocketState.CONNECTED:
                closing = loop.create_task(websocket.close(code=EXPIRED_CLOSE_CODE, reason="the token has expired"))
                self._closing.add(closing)
                closing.add_done_callback(self._closing.discard)

        loop.call_at(loop.time() + max(0.0, expires_at - self.hub.clock.wall().timestamp()), close)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        """Per the GraphQL spec, a request that failed before execution (parse or validation errors,
        which carry no ``path``) has no ``data`` entry at all, not ``"data": null``."""
        answer = await super().process_result(request, result)
        errors = answer.get("errors") if isinstance(answer, dict) else None
        if errors and answer.get("data") is None and not any(isinstance(e, dict) and e.get("path") for e in errors):
            answer.pop("data", None)
        return answer

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """Strawberry's, except that
        - a document over a bound on its text, or whose fragments spread themselves, is answered with that refusal
          at once, without Strawberry's execution machinery (the schema's ``TokenPass`` would refuse it the same way,
          a millisecond later: refusing must cost less than answering, bench ``refusals``);
        - a subscription over plain HTTP is a 400 saying where subscriptions are served (executed as a query it
          failed with an internal error: a subscription field has no value to return)."""
        query, name = request_data.query, request_data.operation_name
        refusals = self.text_bounds.refusals(query, name) if query else []
        if refusals:  # told here: they never reach the schema's ClientErrors
            for refusal in refusals:
                refusal.message = told(refusal.message, context.language)
            return ExecutionResult(data=None, errors=refusals)
        if _is_subscription(query, name):
            raise HTTPException(400, SUBSCRIPTION_OVER_HTTP)
        return await super().execute_single(request, request_adapter, sub_response, context, root_value, request_data)

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData | list[GraphQLRequestData]:
        """Strawberry's, except that a JSON body which is not an object (``"hello"``, ``12``, ``null``, ``true``)
        is a 400 naming what is expected; Strawberry read it with ``.get`` and answered 500."""
        try:
            return await super().parse_http_body(request)
        except AttributeError as exc:  # ``data.get`` on a JSON value that is not an object
            raise HTTPException(400, NOT_AN_OPERATION) from exc

    def parse_json(self, data: str | bytes) -> Any:
        """Strawberry's, plus: a body that is not UTF-8 or nested beyond reason is a 400 (not a crash), a batch
        must be a non-empty array of objects, and one over the limit is refused naming the limit
        (``LIENTHONG_MAX_BATCH_OPERATIONS``)."""
        try:
            parsed = super().parse_json(data)
        except UnicodeDecodeError as exc:
            raise HTTPException(400, NOT_UTF8) from exc
        if isinstance(parsed, list):
            if not parsed or not all(isinstance(item, dict) for item in parsed):
                raise HTTPException(400, NOT_AN_OPERATION)
            batching = self.schema.config.batching_config
            if batching is not None and len(parsed) > batching["max_operations"]:
                raise HTTPException(
                    400, f"A batch holds at most {batching['max_operations']} operations; this one has {len(parsed)}."
                )
        return parsed

    def decode_json(self, data: str | bytes) -> object:
        """Strawberry's, except that JSON Python's parser gives up on is invalid JSON like any other: an HTTP body
        is a 400, a WebSocket message closes the socket with 4400. An integer of more than 4,300 digits raises
        ``ValueError`` and nesting past the recursion limit ``RecursionError``: a 500, or a socket dropped with a
        traceback logged at ERROR."""
        try:
            return super().decode_json(data)
        except (JSONDecodeError, UnicodeDecodeError):
            raise  # invalid JSON, and a body that is not UTF-8 (parse_json says so)
        except (ValueError, RecursionError) as exc:
            raise JSONDecodeError(f"unreadable JSON ({type(exc).__name__})", "", 0) from exc

    def encode_json(self, data: object) -> str:
        """Text, not bytes: WebSocket messages must go out as text frames (graphql-transport-ws)."""
        return orjson.dumps(data).decode()

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        """Strawberry's, with the body encoded once: orjson's bytes, not text decoded then encoded again
        (a page of 50 judgments is ~100 kB of mostly Vietnamese text)."""
        response = Response(orjson.dumps(response_data), media_type="application/json")
        response.headers.raw.extend(sub_response.headers.raw)
        if sub_response.background:
            response.background = sub_response.background
        if sub_response.status_code:
            response.status_code = sub_response.status_code
        return response


def _is_subscription(query: str | None, operation_name: str | None) -> bool:
    """Whether the operation to run is a subscription (the document is parsed only if the word is in it).

    Called only for a document within the bounds on its text (``execute_single`` refuses the others first:
    parsing one here made a 6,000-field document with the word in a comment cost ~100 ms of CPU).
    """
    if not query or "subscription" not in query:
        return False
    try:
        document = parse(query)
    except GraphQLError:
        return False  # the execution reports the syntax error as usual
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [
        o for o in operations if operation_name is None or (o.name is not None and o.name.value == operation_name)
    ]
    return len(chosen) == 1 and chosen[0].operation is OperationType.SUBSCRIPTION
