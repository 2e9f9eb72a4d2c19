"""Storage: SQLAlchemy 2 tables, the SQL repository and unit of work, Alembic migrations.

Rows are not the domain objects: ``storage.sql`` maps between them.
Import rule: imports ``states``, ``workflow`` (its ports) and SQLAlchemy/Alembic; never
``config``, ``cli`` or ``web``.
"""
