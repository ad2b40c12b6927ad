"""Probes and metrics: /healthz (alive), /readyz (can serve), /metrics (Prometheus)."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gateway.state import HubState
from ledger.db import ping


async def healthz(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready when the database answers; each agency's last known status is reported, not required.

    An agency being down does not make the hub unready: the hub still answers,
    with that agency's fields null and an error naming it.
    """
    hub: HubState = request.app.state.hub
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
        }
        for s in hub.adapters.statuses()
    }
    ready = database["ok"]
    return JSONResponse({"ready": ready, "database": database, "agencies": agencies}, status_code=200 if ready else 503)


async def metrics(request: Request) -> Response:
    hub: HubState = request.app.state.hub
    return Response(generate_latest(hub.metrics), media_type=CONTENT_TYPE_LATEST)


async def receipt_key(request: Request) -> Response:
    """The hub's public key for verifying submission receipts (published, no token needed)."""
    hub: HubState = request.app.state.hub
    return JSONResponse(
        {"algorithm": "Ed25519", "keyId": hub.receipts.key_id, "publicKey": hub.receipts.public_key_b64}
    )
