"""The "hand-written limit": judgment-360 without GraphQL, DataLoaders or adapters.

A tiny Starlette app that answers the same request body as the hub's ``/graphql``
(it reads only ``variables``: ``filter`` with ``province`` / ``caseType`` / ``party``,
``first``, ``after``) with JSON of the same shape as the hub's answer. Per request it

1. reads the page and the count from the same SQLite registry the hub reads, with
   hand-written SQL (same conditions, same keyset order, same cursors);
2. calls the court's, the enforcement agency's and the procuracy's batch endpoints
   once each, concurrently, with aiohttp (same connection-pool settings as the hub),
   while the count runs;
3. translates the dialects (dd/mm/yyyy, dotted VND, Vietnamese labels) with plain
   dict look-ups and writes the answer with orjson.

What it leaves out, on purpose (it is a lower bound on cost, not a product): no
token check, no GraphQL parsing/validation, no strict validation of the agencies'
records, no per-request agency look-ups (the agency table is read once at start-up,
the hub reads it per request), no error handling beyond "502 if an agency fails".

Run: ``python -m bench.limit_app --port P --database /path/hub.db --court URL KEY
--enforcement URL KEY --procuracy URL KEY`` (loopback only).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from adapters.dialect import (
    CASE_STATUSES,
    DECISION_KINDS,
    OBLIGATION_KINDS,
    PARTY_KINDS,
    PARTY_ROLES,
    SUPERVISION_KINDS,
)
from domain.access import Role
from domain.clock import Clock
from domain.policy import mask_citizen_id
from domain.text import fold
from domain.types import CaseType
from ledger.paging import decode_cursor, encode_cursor

READERS = 4  # SQLite connections, each used by one thread at a time
COLUMNS = (
    "id, court_code, number, case_type, instance, effective_on, status, "
    "enforcement_agency_code, enforcement_office_code, procuracy_code"
)

ROLE = {label: kind.name for label, kind in PARTY_ROLES.items()}
PARTY_KIND = {label: kind.name for label, kind in PARTY_KINDS.items()}
OBLIGATION = {label: kind.name for label, kind in OBLIGATION_KINDS.items()}
CASE_STATUS = {label: kind.name for label, kind in CASE_STATUSES.items()}
DECISION = {label: kind.name for label, kind in DECISION_KINDS.items()}
SUPERVISION = {label: kind.name for label, kind in SUPERVISION_KINDS.items()}
CASE_TYPE_NAME = {kind.value: kind.name for kind in CaseType}
MINISTRY = frozenset({Role.MINISTRY})  # the bench's principal: parties' citizen IDs as the hub shows them to it


def iso(ddmmyyyy: str | None) -> str | None:
    return None if ddmmyyyy is None else f"{ddmmyyyy[6:10]}-{ddmmyyyy[3:5]}-{ddmmyyyy[0:2]}"


def vnd(amount: str | None) -> str | None:
    return None if amount is None else amount.replace(".", "")


def _like(word: str) -> str:
    escaped = word.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def where_clause(variables: dict[str, Any]) -> tuple[str, list[Any]]:
    """SQL conditions for the filter (the subset of ``JudgmentFilter`` the workload uses)."""
    f = variables.get("filter") or {}
    where, params = ["1 = 1"], []
    if f.get("province"):
        where.append("province_code = ?")
        params.append(f["province"])
    if f.get("caseType"):
        where.append("case_type = ?")
        params.append(CaseType[f["caseType"]].value)
    for word in fold(f.get("party") or "").split():
        where.append("party_search LIKE ? ESCAPE '/'")
        params.append(_like(word))
    return " AND ".join(where), params


class Registry:
    """Read-only SQLite connections used from worker threads, one thread per connection at a time."""

    def __init__(self, path: Path, readers: int = READERS) -> None:
        self._all = [sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False) for _ in range(readers)]
        self._free: asyncio.Queue[sqlite3.Connection] = asyncio.Queue()
        for conn in self._all:
            self._free.put_nowait(conn)

    async def fetch(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        conn = await self._free.get()
        try:
            return await asyncio.to_thread(lambda: conn.execute(sql, params).fetchall())
        finally:
            self._free.put_nowait(conn)

    def close(self) -> None:
        for conn in self._all:
            conn.close()


class Agencies:
    """The hub's agency table, read once: code → (name, active)."""

    def __init__(self, path: Path) -> None:
        today = Clock().today().isoformat()
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            rows = conn.execute("SELECT code, name, valid_to FROM agencies").fetchall()
        self.names = {code: name for code, name, _ in rows}
        self.active = {code: valid_to is None or str(valid_to) >= today for code, _, valid_to in rows}

    def ref(self, code: str | None) -> dict[str, Any] | None:
        if code is None or code not in self.names:
            return None
        return {"code": code, "name": self.names[code]}


class AgencyCalls:
    """The three batch endpoints, one POST each."""

    def __init__(self, http: aiohttp.ClientSession, endpoints: dict[str, tuple[str, str]]) -> None:
        self._http = http
        self._endpoints = endpoints

    async def _post(self, agency: str, path: str, body: dict[str, Any]) -> Any:
        base, key = self._endpoints[agency]
        async with self._http.post(
            base + path, data=orjson.dumps(body), headers={"X-API-Key": key, "Content-Type": "application/json"}
        ) as answer:
            payload = await answer.read()
            if answer.status != 200:
                raise RuntimeError(f"{agency} answered {answer.status}")
            return orjson.loads(payload)

    async def court(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
        body = {"danh_sach": [{"ma_toa_an": c, "so_ban_an": n} for c, n in keys]}
        answer = await self._post("court", "/api/ban-an/tra-cuu", body)
        return {(r["ma_toa_an"], r["so_ban_an"]): r for r in answer["ket_qua"]}

    async def enforcement(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
        body = {"ban_an": [{"toa_an": c, "so": n} for c, n in keys]}
        answer = await self._post("enforcement", "/thads/v1/ho-so/tra-cuu-lo", body)
        return {(r["ban_an"]["toa_an"], r["ban_an"]["so"]): r for r in answer["ho_so"]}

    async def procuracy(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
        body = {"ban_an": [{"ma_toa": c, "so_ban_an": n} for c, n in keys]}
        answer = await self._post("procuracy", "/kiem-sat/van-ban/theo-ban-an", body)
        return {(r["ma_toa"], r["so_ban_an"]): r["van_ban"] for r in answer["ket_qua"]}


def render_node(
    row: tuple[Any, ...],
    agencies: Agencies,
    court: dict[str, Any] | None,
    case: dict[str, Any] | None,
    documents: list[dict[str, Any]],
) -> dict[str, Any]:
    (judgment_id, court_code, number, case_type, instance, effective_on, status, agency, office, procuracy) = row
    court_ref = agencies.ref(court_code)
    if court_ref is not None:
        court_ref["active"] = agencies.active[court_code]
    node: dict[str, Any] = {
        "id": judgment_id,
        "number": number,
        "caseType": CASE_TYPE_NAME[case_type],
        "instance": instance,
        "effectiveOn": str(effective_on),
        "status": status,
        "court": court_ref,
        "enforcementAgency": agencies.ref(agency),
        "enforcementOffice": agencies.ref(office),
        "procuracy": agencies.ref(procuracy),
        "courtDetails": None,
        "parties": None,
        "obligations": None,
        "enforcementCase": None,
    }
    if court is not None:
        document = court["tai_lieu"]
        node["courtDetails"] = {
            "courtName": court["ten_toa_an"],
            "judge": court["tham_phan"],
            "summary": court["trich_yeu"],
            "adjudicatedOn": iso(court["ngay_tuyen_an"]),
            "document": {"name": document["ten_tep"], "sha256": document["sha256"].lower()},
        }
        node["parties"] = [
            {
                "name": p["ho_ten"],
                "role": ROLE[p["tu_cach"]],
                "kind": PARTY_KIND[p["loai"]],
                "address": p["dia_chi"],
                "citizenId": mask_citizen_id(p.get("so_cccd"), MINISTRY),
                "taxCode": p.get("ma_so_thue"),
            }
            for p in court["duong_su"]
        ]
        node["obligations"] = [
            {
                "kind": OBLIGATION[o["loai"]],
                "description": o["noi_dung"],
                "exOfficio": o["chu_dong"],
                "amount": vnd(o.get("so_tien")),
                "beneficiary": o.get("nguoi_duoc_nhan"),
            }
            for o in court["nghia_vu"]
        ]
    if case is not None:
        money = case["tien"]
        node["enforcementCase"] = {
            "caseNumber": case["so_thu_ly"],
            "acceptedOn": iso(case["ngay_thu_ly"]),
            "status": CASE_STATUS[case["trang_thai"]],
            "amountDue": vnd(money["phai_thi_hanh"]),
            "amountCollected": vnd(money["da_thi_hanh"]),
            "decisions": [
                {
                    "number": q["so"],
                    "issuedOn": iso(q["ngay"]),
                    "kind": DECISION[q["hinh_thuc"]],
                    "officer": q["chap_hanh_vien"],
                }
                for q in case["quyet_dinh"]
            ],
        }
    node["supervision"] = [
        {
            "number": v["so_van_ban"],
            "kind": SUPERVISION[v["loai"]],
            "issuedOn": iso(v["ngay_ban_hanh"]),
            "summary": v["noi_dung"],
            "replyDue": iso(v.get("han_tra_loi")),
            "repliedOn": iso(v.get("ngay_tra_loi")),
            "procuracy": agencies.ref(v["vien_kiem_sat"]),
        }
        for v in documents
    ]
    return node


def cursor(row: tuple[Any, ...]) -> str:
    return encode_cursor("judgments", (str(row[5]), row[0]))


def create_app(database: Path, endpoints: dict[str, tuple[str, str]]) -> Starlette:
    agencies = Agencies(database)
    state: dict[str, Any] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        connector = aiohttp.TCPConnector(limit=200, limit_per_host=64, ttl_dns_cache=300)
        async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=2.0)) as http:
            state["calls"] = AgencyCalls(http, endpoints)
            state["registry"] = Registry(database)
            try:
                yield
            finally:
                state["registry"].close()

    async def judgments(request: Request) -> Response:
        variables = orjson.loads(await request.body()).get("variables") or {}
        first = int(variables.get("first", 20))
        if not 1 <= first <= 100:
            return Response(orjson.dumps({"errors": [{"message": "first out of range"}]}), 400)
        where, params = where_clause(variables)
        page_where, page_params = where, list(params)
        if variables.get("after"):
            effective_on, last_id = decode_cursor("judgments", variables["after"], 2)
            page_where += " AND (effective_on, id) < (?, ?)"
            page_params += [effective_on, last_id]
        registry: Registry = state["registry"]
        calls: AgencyCalls = state["calls"]
        rows = await registry.fetch(
            f"SELECT {COLUMNS} FROM judgments WHERE {page_where} ORDER BY effective_on DESC, id DESC LIMIT ?",  # noqa: S608 (our own fragments)
            [*page_params, first + 1],
        )
        has_next = len(rows) > first
        rows = rows[:first]
        keys = [(row[1], row[2]) for row in rows]
        try:
            count, courts, cases, supervision = await asyncio.gather(
                registry.fetch(f"SELECT count(*) FROM judgments WHERE {where}", params),  # noqa: S608
                calls.court(keys),
                calls.enforcement(keys),
                calls.procuracy(keys),
            )
        except (aiohttp.ClientError, TimeoutError, RuntimeError, KeyError) as exc:
            return Response(orjson.dumps({"errors": [{"message": f"agency failed: {exc!r}"}]}), 502)
        edges = [
            {
                "cursor": cursor(row),
                "node": render_node(row, agencies, courts.get(key), cases.get(key), supervision.get(key, [])),
            }
            for row, key in zip(rows, keys, strict=True)
        ]
        answer = {
            "data": {
                "judgments": {
                    "totalCount": count[0][0],
                    "pageInfo": {"hasNextPage": has_next, "endCursor": edges[-1]["cursor"] if edges else None},
                    "edges": edges,
                }
            }
        }
        return Response(orjson.dumps(answer), media_type="application/json")

    async def healthz(request: Request) -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")

    return Starlette(
        routes=[Route("/graphql", judgments, methods=["POST"]), Route("/healthz", healthz, methods=["GET"])],
        lifespan=lifespan,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.limit_app", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database", type=Path, required=True, help="the hub's SQLite file (read-only)")
    for name in ("court", "enforcement", "procuracy"):
        parser.add_argument(f"--{name}", nargs=2, metavar=("URL", "API_KEY"), required=True)
    args = parser.parse_args(argv)
    endpoints = {
        name: (getattr(args, name)[0].rstrip("/"), getattr(args, name)[1])
        for name in ("court", "enforcement", "procuracy")
    }
    app = create_app(args.database, endpoints)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")  # as `lienthong serve` runs the hub
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
