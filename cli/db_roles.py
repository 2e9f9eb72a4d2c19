"""Handler of ``beteiligung db roles``: print the SQL of least privilege on PostgreSQL.

It connects to nothing: it prints the statements (``storage.roles``) for a superuser to run
once, and the grants to run after every ``db upgrade``. ``docs/operations.md`` explains them.
"""

from __future__ import annotations

import argparse

from ..storage.roles import check_name, grants, setup
from .render import lang

TEXTS = {
    "setup": {"de": "-- 1. Einmal, als Superuser: die beiden Rollen und das Schema",
              "en": "-- 1. Once, as a superuser: the two roles and the schema"},
    "upgrade": {"de": "-- 2. Als {owner}: BETEILIGUNG_DATABASE_URL=postgresql://{owner}@…/{db} "
                      "beteiligung db upgrade",
                "en": "-- 2. As {owner}: BETEILIGUNG_DATABASE_URL=postgresql://{owner}@…/{db} "
                      "beteiligung db upgrade"},
    "grants": {"de": "-- 3. Danach, und nach jedem 'db upgrade', als {owner} oder Superuser: "
                     "die Rechte der Laufzeitrolle (auf audit_cases und process_tombstones "
                     "nur SELECT und INSERT, auf audit_events kein UPDATE und DELETE nur nach "
                     "einem Grabstein, keine DDL)",
               "en": "-- 3. Then, and after every 'db upgrade', as {owner} or a superuser: "
                     "the runtime role's rights (only SELECT and INSERT on audit_cases and "
                     "process_tombstones, no UPDATE of audit_events and DELETE only after a "
                     "tombstone, no DDL)"},
    "run": {"de": "-- 4. Das Programm läuft als {runtime}: "
                  "BETEILIGUNG_DATABASE_URL=postgresql://{runtime}@…/{db}",
            "en": "-- 4. The program runs as {runtime}: "
                  "BETEILIGUNG_DATABASE_URL=postgresql://{runtime}@…/{db}"},
}


def roles(args: argparse.Namespace) -> int:
    owner, runtime = check_name("owner", args.owner), check_name("runtime", args.runtime)
    schema, db = check_name("schema", args.schema), check_name("database", args.database)
    language = lang(args)
    names = {"owner": owner, "runtime": runtime, "db": db}
    print(TEXTS["setup"][language])
    print("\n".join(setup(owner, runtime, schema, db)))
    print(TEXTS["upgrade"][language].format(**names))
    print(TEXTS["grants"][language].format(**names))
    print("\n".join(grants(runtime, schema)))
    print(TEXTS["run"][language].format(**names))
    return 0
