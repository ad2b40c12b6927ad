"""HTTP plumbing shared by the agency adapters: one client per agency system.

The client is where aiohttp meets the hub, so it is where aiohttp's exceptions
and HTTP statuses become ``domain.errors`` (as httpx transports do)::

    client = AgencyHttpClient(session, "court", "http://127.0.0.1:8101", api_key, timeout_s=2.0)
    page = await client.get_json("/api/ban-an", {"trang": 1, "so_ban_ghi": 500})
    found = await client.post_json("/api/ban-an/tra-cuu", {"danh_sach": [...]}, safe=True)

=======================================  ======================================================
what happened                            what the caller gets
=======================================  ======================================================
no answer within ``timeout_s``           ``AgencyTimeout`` (never retried: the budget is spent)
refused / reset / broken payload         ``AgencyUnavailable`` (safe reads retried)
HTTP 502/503/504                         ``AgencyUnavailable`` with the status (safe reads retried)
HTTP 500, other 5xx, 429                 ``AgencyUnavailable`` with the status
HTTP 401/403                             ``AgencyUnavailable("agency rejected the hub's credentials")``
HTTP 3xx (redirects are not followed)    ``AgencyUnavailable`` naming the redirect
HTTP 404, ``not_found_ok=True``          ``None``
other HTTP 4xx                           ``AgencyUnavailable`` saying the hub's request was refused
not JSON, or not a JSON object           ``AgencyBadData``
circuit breaker open                     ``AgencyUnavailable`` at once, without calling
=======================================  ======================================================

The whole call, retries and back-off included, stays within ``timeout_s``: a
DataLoader waiting on an agency must not wait longer than the request allows.
The one ``aiohttp.ClientSession`` of the app is passed in (its connection pool
is shared); the client never creates or closes a session.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Mapping
from typing import Any, Literal, overload

import aiohttp
import orjson

from adapters.base import AdapterStatus
from adapters.circuit import CircuitBreaker
from adapters.config import HttpAgencyConfig
from adapters.dialect import describe, problem
from adapters.metrics import AdapterMetrics
from adapters.tracking import CallTracker
from domain.errors import AgencyBadData, AgencyError, AgencyTimeout, AgencyUnavailable
from domain.messages import msg

JsonObject = dict[str, Any]
Params = Mapping[str, str | int]

_log = logging.getLogger(__name__)
_RETRYABLE_STATUSES = frozenset({502, 503, 504})
_AGENCY_MESSAGE_LIMIT = 200


class AgencyHttpClient:
    """JSON over HTTP to one agency system, with its key, timeout, retries, status and metrics."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        agency: str,
        base_url: str,
        api_key: str,
        timeout_s: float,
        metrics: AdapterMetrics | None = None,
        retries: int = 1,
        *,
        backoff_s: float = 0.05,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        if timeout_s <= 0:
            raise ValueError(f"timeout_s must be positive, got {timeout_s}")
        if retries < 0:
            raise ValueError(f"retries must be zero or more, got {retries}")
        self.agency = agency
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.retries = retries
        self.status = AdapterStatus(agency, circuit=breaker)
        self.tracker = CallTracker(self.status, metrics)
        if breaker is not None and metrics is not None:
            metrics.watch_circuit(agency, breaker)
        self._session = session
        self._headers = {"X-API-Key": api_key, "Accept": "application/json"}
        self._backoff_s = backoff_s
        self._breaker = breaker

    @classmethod
    def from_config(
        cls,
        session: aiohttp.ClientSession,
        agency: str,
        config: HttpAgencyConfig,
        metrics: AdapterMetrics | None = None,
    ) -> AgencyHttpClient:
        """The client of one agency as configured, with a circuit breaker if the config asks for one."""
        breaker = CircuitBreaker(config.circuit_failures, config.circuit_reset_s) if config.circuit_failures else None
        return cls(
            session,
            agency,
            config.base_url,
            config.api_key,
            config.timeout_s,
            metrics,
            config.retries,
            breaker=breaker,
        )

    def __repr__(self) -> str:  # never show the API key
        return f"AgencyHttpClient(agency={self.agency!r}, base_url={self.base_url!r})"

    @overload
    async def get_json(self, path: str, params: Params | None = None) -> JsonObject: ...

    @overload
    async def get_json(
        self, path: str, params: Params | None = None, *, not_found_ok: Literal[True]
    ) -> JsonObject | None: ...

    async def get_json(
        self, path: str, params: Params | None = None, *, not_found_ok: bool = False
    ) -> JsonObject | None:
        """GET a JSON object. GETs are safe, so they are retried on transient failures.

        ``not_found_ok`` is for single-record lookups, where 404 means "no such
        record" (answered as ``None``) rather than a wrong path.
        """
        operation = f"GET {path}"
        with self.tracker.call(operation):
            return await self._request("GET", path, operation, params=params, safe=True, not_found_ok=not_found_ok)

    async def post_json(self, path: str, body: Mapping[str, Any], *, safe: bool) -> JsonObject:
        """POST a JSON body. ``safe=True`` (batch lookups are reads) allows a retry."""
        operation = f"POST {path}"
        with self.tracker.call(operation):
            answer = await self._request("POST", path, operation, body=orjson.dumps(body), safe=safe)
        assert answer is not None  # None only answers a 404 with not_found_ok
        return answer

    async def ping(self, path: str = "/health") -> None:
        """Check the agency's health endpoint answers ``{"trang_thai": "ok"}``; raise an AgencyError if not."""
        operation = f"GET {path}"
        with self.tracker.call(operation):
            answer = await self._request("GET", path, operation, safe=True)
            state = answer.get("trang_thai") if answer is not None else None
            if state != "ok":
                raise AgencyUnavailable(
                    self.agency, msg("health check answered trang_thai={state}", state=describe(state))
                )

    def bad_answer(self, operation: str, error: ValueError) -> AgencyBadData:
        """Turn a whole answer the adapter could not read (wrong shape) into AgencyBadData, and record it."""
        bad = AgencyBadData(
            self.agency, msg("answer to {operation}: {detail}", operation=operation, detail=problem(error))
        )
        self.tracker.record_error(operation, bad)
        return bad

    async def _request(
        self,
        method: str,
        path: str,
        operation: str,
        *,
        params: Params | None = None,
        body: bytes | None = None,
        safe: bool,
        not_found_ok: bool = False,
    ) -> JsonObject | None:
        breaker = self._breaker
        if breaker is None:
            try:
                return await self._attempts(method, path, operation, params, body, safe, not_found_ok)
            except _AgencyDown as down:
                raise down.error from down.__cause__
        if not breaker.allow():
            raise AgencyUnavailable(self.agency, breaker.explain())
        try:
            answer = await self._attempts(method, path, operation, params, body, safe, not_found_ok)
        except _AgencyDown as down:
            breaker.failure(down.error.message)
            raise down.error from down.__cause__
        except AgencyError:
            breaker.success()  # it answered: the agency is up, we just could not use the answer
            raise
        except BaseException:
            breaker.abandon()  # cancelled: no verdict on the agency
            raise
        breaker.success()
        return answer

    async def _attempts(
        self,
        method: str,
        path: str,
        operation: str,
        params: Params | None,
        body: bytes | None,
        safe: bool,
        not_found_ok: bool,
    ) -> JsonObject | None:
        """Send, and for safe requests send again after a transient failure, within one deadline."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout_s
        attempts = 1 + (self.retries if safe else 0)
        for attempt in range(attempts):
            budget = deadline - loop.time()
            if budget <= 0:
                raise _AgencyDown(self._timed_out())
            try:
                status, payload = await self._exchange(method, path, params, body, budget)
            except TimeoutError as exc:
                raise _AgencyDown(self._timed_out()) from exc
            except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError) as exc:
                failure = _AgencyDown(
                    AgencyUnavailable(
                        self.agency, msg("cannot reach the agency system ({failure})", failure=type(exc).__name__)
                    )
                )
                failure.__cause__ = exc
                transient = True
            except aiohttp.ClientError as exc:
                raise AgencyUnavailable(
                    self.agency, msg("{operation} failed ({failure})", operation=operation, failure=type(exc).__name__)
                ) from exc
            else:
                if status < 300:
                    return self._decode(payload, operation)
                if status == 404 and not_found_ok:
                    return None
                error = self._status_error(status, payload, operation)
                if not (status >= 500 or status == 429):
                    raise error
                failure = _AgencyDown(error)
                transient = status in _RETRYABLE_STATUSES
            if not transient or attempt == attempts - 1 or not await self._back_off(attempt, deadline):
                raise failure
            _log.info("%s: retrying %s after: %s", self.agency, operation, failure.error.message)
            self.tracker.count_retry(operation)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _exchange(
        self, method: str, path: str, params: Params | None, body: bytes | None, budget: float
    ) -> tuple[int, bytes]:
        headers = self._headers if body is None else {**self._headers, "Content-Type": "application/json"}
        async with self._session.request(
            method,
            self.base_url + path,
            params=params,
            data=body,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=budget),
            allow_redirects=False,
        ) as response:
            return response.status, await response.read()

    async def _back_off(self, attempt: int, deadline: float) -> bool:
        """Sleep a jittered, growing pause if the deadline leaves room for it and another try."""
        pause = self._backoff_s * (2**attempt) * random.uniform(0.5, 1.5)
        remaining = deadline - asyncio.get_running_loop().time()
        if pause * 2 >= remaining:  # no time to wait and still get an answer
            return False
        await asyncio.sleep(pause)
        return True

    def _decode(self, payload: bytes, operation: str) -> JsonObject:
        try:
            answer = orjson.loads(payload)
        except orjson.JSONDecodeError:
            raise AgencyBadData(self.agency, msg("answer to {operation} is not JSON", operation=operation)) from None
        if not isinstance(answer, dict):
            raise AgencyBadData(
                self.agency,
                msg(
                    "answer to {operation} is not a JSON object (got {got})",
                    operation=operation,
                    got=type(answer).__name__,
                ),
            )
        return answer

    def _status_error(self, status: int, payload: bytes, operation: str) -> AgencyUnavailable:
        said = _agency_message(payload)
        if status < 400:  # redirects are not followed: a moved API is a configuration matter
            return AgencyUnavailable(
                self.agency,
                msg("agency answered {operation} with a redirect (HTTP {status})", operation=operation, status=status),
            )
        if status in (401, 403):
            return AgencyUnavailable(
                self.agency,
                msg("agency rejected the hub's credentials (HTTP {status}{said})", status=status, said=said),
            )
        if status == 429:
            return AgencyUnavailable(self.agency, msg("agency is throttling the hub (HTTP 429{said})", said=said))
        if status >= 500:
            return AgencyUnavailable(
                self.agency, msg("agency system failed (HTTP {status}{said})", status=status, said=said)
            )
        return AgencyUnavailable(
            self.agency,
            msg(
                "agency refused the hub's request {operation} (HTTP {status}{said}); this is a hub bug",
                operation=operation,
                status=status,
                said=said,
            ),
        )

    def _timed_out(self) -> AgencyTimeout:
        return AgencyTimeout(self.agency, msg("no answer within {seconds} s", seconds=f"{self.timeout_s:g}"))


class _AgencyDown(Exception):
    """Carries an agency error that counts against the circuit breaker (the agency, not us, failed)."""

    def __init__(self, error: AgencyError) -> None:
        super().__init__(error.message)
        self.error = error


def _agency_message(payload: bytes) -> str:
    """The agency's own ``{"loi": "..."}`` message, shortened, for our error text ('' if none)."""
    try:
        answer = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return ""
    message = answer.get("loi") if isinstance(answer, dict) else None
    if not isinstance(message, str) or not message.strip():
        return ""
    message = " ".join(message.split())
    if len(message) > _AGENCY_MESSAGE_LIMIT:
        message = message[: _AGENCY_MESSAGE_LIMIT - 3] + "..."
    return f": {message}"
