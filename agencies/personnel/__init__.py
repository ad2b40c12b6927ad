"""Reference personnel database (Cơ sở dữ liệu cán bộ): a SQL schema seeded with the enforcement units' staff."""

from agencies.personnel.database import (
    PersonnelSummary,
    create_personnel_database,
    create_personnel_database_async,
)

__all__ = ["PersonnelSummary", "create_personnel_database", "create_personnel_database_async"]
