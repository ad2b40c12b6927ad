"""The hub's own records: what no single agency owns.

SQLAlchemy 2 async models, repositories that hand back domain objects (so
resolvers never touch ORM state), and the Alembic migrations that build the
schema on SQLite (embedded default) and PostgreSQL (production) alike.
Nothing here holds an engine at module level: the gateway builds one from its
settings and passes it in.
"""
