"""The audit log becomes append-only in the database, and searchable by agency, operation and time.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Triggers refuse UPDATE and DELETE on ``audit_log`` (and TRUNCATE on
PostgreSQL) for every role, the hub's own included: the hub only ever
appends. Someone with owner rights can still drop or disable the triggers;
the hash chain (``lienthong audit verify``) is what catches that. On SQLite,
a later batch-mode migration that rebuilds ``audit_log`` drops its triggers
with the old table and must create them again.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_REFUSE_FUNCTION = """
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only; % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'audit entries are never changed or removed; append a new entry instead';
END
$$
"""

PG_TRIGGERS = (
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()",
)

SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only; UPDATE refused'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only; DELETE refused'); END",
)


def upgrade() -> None:
    op.create_index(op.f("ix_audit_log_agency_code_seq"), "audit_log", ["agency_code", "seq"], unique=False)
    op.create_index(op.f("ix_audit_log_operation_seq"), "audit_log", ["operation", "seq"], unique=False)
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"], unique=False)
    if op.get_context().dialect.name == "postgresql":
        op.execute(PG_REFUSE_FUNCTION)
        for statement in PG_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_refuse_change()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    op.drop_index(op.f("ix_audit_log_at"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_operation_seq"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_agency_code_seq"), table_name="audit_log")
