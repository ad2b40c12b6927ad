"""Fixture chain: database (SQLite and PostgreSQL) → agency topology → hub app → GraphQL client."""

pytest_plugins = [
    "tests.fixtures.databases",
    "tests.fixtures.topology",
    "tests.fixtures.hub",
    "tests.fixtures.redis",
]
