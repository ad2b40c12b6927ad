"""Vận hành (operations): the hub's operator's page, in parts under ``/van-hanh``. Operator role only.

- ``/van-hanh/co-quan`` the organisation and the successors of dissolved agencies (GraphQL);
- ``/van-hanh/nguoi-dung`` people, system clients and their grants; grant and revoke (the port);
- ``/van-hanh/khoa-toa-an`` the courts' signing keys (the port);
- ``/van-hanh/webhook`` webhooks, deliveries, dead letters and their redrive (GraphQL);
- ``/van-hanh/san-sang`` readiness and the agency systems' circuit breakers (the port);
- ``/van-hanh/nhat-ky`` the audit chain's verification, with its progress (the port).

Anyone else gets the refusal (403) and no data; every use case behind the port checks the operator
role again, and every write is audited by the hub.
"""

from __future__ import annotations

from typing import Final

from starlette.routing import BaseRoute, Route

from console.pages import operations_people as people
from console.pages import operations_system as system
from console.pages import operations_webhooks as webhooks
from console.pages.operations_access import HERE

PREFIX: Final = HERE + "/"


def operations_routes() -> list[BaseRoute]:
    return [
        Route(HERE, system.overview, methods=["GET"]),
        Route(system.AGENCIES_PATH, system.agencies_page, methods=["GET"]),
        Route(people.PATH, people.people_page, methods=["GET"]),
        Route(people.PATH + "/{holder_id:path}/cap-quyen", people.grant, methods=["POST"]),
        Route(people.PATH + "/{holder_id:path}/thu-hoi", people.revoke, methods=["POST"]),
        Route(people.PATH + "/{holder_id:path}", people.person_page, methods=["GET"]),
        Route(system.KEYS_PATH, system.keys_page, methods=["GET"]),
        Route(webhooks.PATH, webhooks.webhooks_page, methods=["GET"]),
        Route(webhooks.REDRIVE_PATH, webhooks.redrive, methods=["POST"]),
        Route(system.READY_PATH, system.readiness_page, methods=["GET"]),
        Route(system.AUDIT_PATH, system.audit_page, methods=["GET"]),
        Route(system.AUDIT_START_PATH, system.start_audit_check, methods=["POST"]),
        Route(system.PROGRESS_PATH, system.audit_progress, methods=["GET"]),
    ]
