"""The registry of people, clients and grants (ledger/grants.py) and ``lienthong people`` / ``lienthong token``."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.access import Role
from domain.errors import BadInput, NotFound
from domain.people import HolderKind
from domain.types import Agency, AgencyKind, AgencyLevel
from gateway.cli import main
from ledger import grant_reader
from ledger.audit_chain import verify
from ledger.db import write_transaction
from ledger.grant_reader import GrantReader
from ledger.grants import Actor, Grants, Registration
from ledger.models import AuditRow
from ledger.reference import seed_agencies

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
BY = Actor("Nguyễn Quản Trị", "ministry.justice")
OFFICE = "enforcement.ha-noi.kv01"
PRIVATE = "private.ha-noi.vp01"


@pytest.fixture
async def registry(
    sessions: async_sessionmaker[AsyncSession], organisation: dict[str, Agency]
) -> async_sessionmaker[AsyncSession]:
    wanted = [organisation[c] for c in ("ministry.justice", "court.ha-noi.kv01", OFFICE, "procuracy.ha-noi.kv01")]
    office = organisation[OFFICE]
    private = Agency(
        PRIVATE,
        AgencyKind.PRIVATE_ENFORCEMENT,
        AgencyLevel.AREA,
        "Văn phòng Thừa phát lại Hà Nội",
        "ha-noi",
        None,
        office.valid_from,
    )
    await seed_agencies(sessions, [*wanted, private])
    return sessions


async def _roles(
    sessions: async_sessionmaker[AsyncSession], holder: str, agency: str, at: datetime
) -> frozenset[Role] | None:
    async with sessions() as session:
        return await Grants(session).active_roles(holder, agency, at)


async def test_a_grant_is_active_over_its_period_until_revoked(registry: async_sessionmaker[AsyncSession]) -> None:
    async with write_transaction(registry) as session:
        grants = Grants(session)
        await grants.add("tran.van.minh", "Trần Văn Minh", OFFICE, HolderKind.PERSON, BY, NOW)
        await grants.grant("tran.van.minh", Role.ENFORCEMENT_CLERK, OFFICE, BY, NOW, valid_to=NOW + timedelta(days=30))
    assert await _roles(registry, "tran.van.minh", OFFICE, NOW) == frozenset({Role.ENFORCEMENT_CLERK})
    assert await _roles(registry, "tran.van.minh", OFFICE, NOW - timedelta(seconds=1)) == frozenset()
    assert await _roles(registry, "tran.van.minh", OFFICE, NOW + timedelta(days=30)) == frozenset()
    assert await _roles(registry, "tran.van.minh", "court.ha-noi.kv01", NOW) == frozenset()
    assert await _roles(registry, "nobody", OFFICE, NOW) is None

    later = NOW + timedelta(hours=1)
    async with write_transaction(registry) as session:
        revoked = await Grants(session).revoke("tran.van.minh", Role.ENFORCEMENT_CLERK, OFFICE, BY, later)
    assert [(g.revoked_at, g.revoked_by) for g in revoked] == [(later, BY.name)]
    assert await _roles(registry, "tran.van.minh", OFFICE, later) == frozenset()
    assert await _roles(registry, "tran.van.minh", OFFICE, NOW) == frozenset({Role.ENFORCEMENT_CLERK})  # history stays


async def test_granting_twice_gives_one_grant_and_revoking_nothing_is_not_found(
    registry: async_sessionmaker[AsyncSession],
) -> None:
    async with write_transaction(registry) as session:
        grants = Grants(session)
        await grants.add("le.thu.ha", "Lê Thu Hà", "procuracy.ha-noi.kv01", HolderKind.PERSON, BY, NOW)
        first = await grants.grant("le.thu.ha", Role.PROCURACY, "procuracy.ha-noi.kv01", BY, NOW)
        again = await grants.grant("le.thu.ha", Role.PROCURACY, "procuracy.ha-noi.kv01", BY, NOW)
        assert first == again
        with pytest.raises(NotFound, match="no grant of personnel"):
            await grants.revoke("le.thu.ha", Role.PERSONNEL, "procuracy.ha-noi.kv01", BY, NOW)


@pytest.mark.parametrize(
    ("role", "agency"),
    [
        (Role.MINISTRY, "court.ha-noi.kv01"),
        (Role.AUDITOR, OFFICE),
        (Role.OPERATOR, "procuracy.ha-noi.kv01"),
        (Role.COURT_CLERK, PRIVATE),
        (Role.PROCURACY, OFFICE),
    ],
)
async def test_a_role_the_agency_kind_cannot_hold_is_never_granted(
    registry: async_sessionmaker[AsyncSession], role: Role, agency: str
) -> None:
    async with write_transaction(registry) as session:
        grants = Grants(session)
        await grants.add("x", "Người thử", agency, HolderKind.PERSON, BY, NOW)
        with pytest.raises(BadInput, match=f"cannot hold the role {role.value}"):
            await grants.grant("x", role, agency, BY, NOW)
    assert await _roles(registry, "x", agency, NOW) == frozenset()


async def test_a_private_enforcement_office_holds_enforcement_clerk(registry: async_sessionmaker[AsyncSession]) -> None:
    async with write_transaction(registry) as session:
        await Grants(session).register_many(
            [
                Registration(
                    "tpl.system",
                    HolderKind.CLIENT,
                    "Hệ thống văn phòng",
                    PRIVATE,
                    frozenset({Role.ENFORCEMENT_CLERK, Role.PERSONNEL}),
                )
            ],
            BY,
            NOW,
        )
    assert await _roles(registry, "tpl.system", PRIVATE, NOW) == frozenset({Role.ENFORCEMENT_CLERK, Role.PERSONNEL})


async def test_every_registry_write_is_on_the_audit_chain(registry: async_sessionmaker[AsyncSession]) -> None:
    async with write_transaction(registry) as session:
        grants = Grants(session)
        await grants.add("pham.quoc.bao", "Phạm Quốc Bảo", "ministry.justice", HolderKind.PERSON, BY, NOW)
        await grants.grant("pham.quoc.bao", Role.AUDITOR, "ministry.justice", BY, NOW)
        await grants.revoke("pham.quoc.bao", Role.AUDITOR, "ministry.justice", BY, NOW)
    async with registry() as session:
        rows = (await session.scalars(select(AuditRow).order_by(AuditRow.seq))).all()
    assert [(r.operation, r.person) for r in rows] == [
        ("register:person@ministry.justice", BY.name),
        ("grant:auditor@ministry.justice", BY.name),
        ("revoke:auditor@ministry.justice", BY.name),
    ]
    assert (await verify(registry)).ok


async def test_lienthong_people_and_token_refuse_what_the_registry_does_not_hold(
    registry: async_sessionmaker[AsyncSession],
    migrated_db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    # The command line's own main() in a thread (it runs its own event loop), with only the database set:
    # what `lienthong …` does, without starting an interpreter for each of the fourteen commands.
    for name in [n for n in os.environ if n.startswith("LIENTHONG_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("LIENTHONG_DATABASE_URL", migrated_db_url)
    monkeypatch.setenv("LIENTHONG_KEYS_DIR", str(tmp_path / "keys"))  # the demo issuer key `token` makes

    async def cli(*args: str) -> tuple[int, str, str]:
        code = await asyncio.to_thread(main, list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    code, out, _ = await cli("people", "add", "vu.thi.hanh", "--name", "Vũ Thị Hạnh", "--agency", OFFICE, "--by", "ops")
    assert (code, out.strip()) == (0, f"person vu.thi.hanh (Vũ Thị Hạnh) works for {OFFICE}")
    code, _, err = await cli("people", "grant", "vu.thi.hanh", "--role", "ministry", "--by", "ops")
    assert code == 2
    assert "cannot hold the role ministry" in err
    code, out, _ = await cli("people", "grant", "vu.thi.hanh", "--role", "personnel", "--by", "ops")
    assert code == 0
    assert out.startswith(f"granted: personnel at {OFFICE}")

    token = ("token", "--agency", OFFICE, "--person", "vu.thi.hanh")
    code, out, _ = await cli(*token, "--role", "personnel")
    assert code == 0
    assert out.count(".") == 2
    code, out, err = await cli(*token, "--role", "personnel", "--role", "enforcement_clerk")
    assert (code, out) == (2, "")
    assert "holds no grant of enforcement_clerk" in err
    code, _, err = await cli(*token, "--role", "auditor")
    assert code == 2
    assert "cannot hold the role auditor" in err
    code, _, err = await cli("token", "--agency", OFFICE, "--role", "personnel")
    assert code == 2
    assert "--person" in err

    code, out, _ = await cli("people", "list", "--agency", OFFICE)
    assert code == 0
    assert "vu.thi.hanh" in out
    assert "personnel at" in out
    code, out, _ = await cli("people", "revoke", "vu.thi.hanh", "--role", "personnel", "--by", "ops")
    assert code == 0
    assert out.startswith("revoked: personnel")
    code, _, err = await cli("people", "revoke", "vu.thi.hanh", "--role", "personnel", "--by", "ops")
    assert code == 1
    assert "no grant of personnel" in err
    code, _, err = await cli(*token, "--role", "personnel")
    assert code == 2
    assert "holds no grant of personnel" in err
    code, _, err = await cli("people", "grant", "nobody", "--role", "personnel")
    assert code == 2
    assert "nobody" in err


async def test_the_request_path_reader_agrees_with_the_registry_at_every_moment(
    registry: async_sessionmaker[AsyncSession], migrated_db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``GrantReader`` (SQLite: the standard module in the loop's thread; PostgreSQL: an asyncpg pool of its own)
    answers as ``Grants.active_roles``: before, during and after a period, after a revocation, for no one —
    by its own read, not the engine's (which is made to fail here once the expectations are known)."""
    async with write_transaction(registry) as session:
        grants = Grants(session)
        await grants.add("doan.van.khoa", "Đoàn Văn Khoa", OFFICE, HolderKind.PERSON, BY, NOW)
        await grants.grant("doan.van.khoa", Role.ENFORCEMENT_CLERK, OFFICE, BY, NOW, valid_to=NOW + timedelta(days=3))
        await grants.grant("doan.van.khoa", Role.PERSONNEL, OFFICE, BY, NOW + timedelta(days=1))
        await grants.revoke("doan.van.khoa", Role.PERSONNEL, OFFICE, BY, NOW + timedelta(days=2))
    moments = [NOW - timedelta(seconds=1), *(NOW + timedelta(days=d, hours=1) for d in range(4))]
    expected = {(h, m): await _roles(registry, h, OFFICE, m) for m in moments for h in ("doan.van.khoa", "nobody")}
    reader = GrantReader(registry, migrated_db_url)
    monkeypatch.setattr(grant_reader.Grants, "active_roles", _engine_not_asked)
    try:
        for (holder, moment), roles in expected.items():
            assert await reader.active_roles(holder, OFFICE, moment) == roles, (holder, moment)
        assert await reader.active_roles("doan.van.khoa", OFFICE, NOW + timedelta(days=1, hours=1)) == frozenset(
            {Role.ENFORCEMENT_CLERK, Role.PERSONNEL}
        )
    finally:
        await reader.aclose()


async def _engine_not_asked(*_: object) -> frozenset[Role] | None:
    raise AssertionError("the request path read the grants through the engine, not its own fast read")
