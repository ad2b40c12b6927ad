"""Probes and metrics: /healthz (alive), /readyz (can serve), /metrics (Prometheus)."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from adapters.circuit import CircuitBreaker, CircuitState
from gateway.state import hub_of
from ledger.db import ping

AGENCIES_NOTE = (
    "Agencies do not decide readiness: while an agency is down or its circuit is open the hub still answers, "
    "with that agency's fields null and an AGENCY_UNAVAILABLE or AGENCY_TIMEOUT error naming it."
)


async def healthz(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready when the database answers; each agency's last known status is reported, not required.

    An agency being down, or its circuit breaker open, does not make the hub
    unready: the hub still answers, with that agency's fields null and an error
    naming it. ``degraded`` lists the agencies whose breaker is not closed, and
    the body says this in ``note`` for whoever reads it during an incident.
    """
    hub = hub_of(request.app)
    database: dict[str, object]
    try:
        await ping(hub.engine)
        database = {"ok": True}
    except Exception as exc:  # any failure to reach the database means "not ready"
        database = {"ok": False, "error": type(exc).__name__}
    agencies = {
        s.agency: {
            "ok": s.ok,
            "lastOkAt": s.last_ok_at.isoformat() if s.last_ok_at else None,
            "lastError": s.last_error,
            "lastErrorAt": s.last_error_at.isoformat() if s.last_error_at else None,
            "circuit": _circuit(s.circuit),
        }
        for s in hub.adapters.statuses()
    }
    degraded = [s.agency for s in hub.adapters.statuses() if s.circuit and s.circuit.state is not CircuitState.CLOSED]
    ready = database["ok"]
    return JSONResponse(
        {"ready": ready, "database": database, "agencies": agencies, "degraded": degraded, "note": AGENCIES_NOTE},
        status_code=200 if ready else 503,
    )


def _circuit(breaker: CircuitBreaker | None) -> dict[str, object] | None:
    """The breaker's state for /readyz; None for a system without one (the personnel database)."""
    if breaker is None:
        return None
    snap = breaker.snapshot()
    return {
        "state": snap.state.value,
        "since": snap.since.isoformat(),
        "consecutiveFailures": snap.consecutive_failures,
        "failuresToOpen": snap.failures_to_open,
        "resetAfterS": snap.reset_after_s,
        "lastError": snap.last_failure,
        "lastErrorAt": snap.last_failure_at.isoformat() if snap.last_failure_at else None,
        "openings": snap.openings,
        "rejected": snap.rejected,
    }


async def metrics(request: Request) -> Response:
    hub = hub_of(request.app)
    return Response(generate_latest(hub.metrics), media_type=CONTENT_TYPE_LATEST)


async def receipt_key(request: Request) -> Response:
    """The hub's public key for verifying submission receipts (published, no token needed)."""
    hub = hub_of(request.app)
    return JSONResponse(
        {"algorithm": "Ed25519", "keyId": hub.receipts.key_id, "publicKey": hub.receipts.public_key_b64}
    )
