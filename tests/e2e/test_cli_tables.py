"""End-to-end: what the command line prints of stored text has no terminal escapes, in the
tables of ``cli.render.table`` (here ``process list``) and in ``audit stuck``; and
``audit stuck --csv`` defuses a title a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

LEAD = "anna.lehmann@hannover-stadt.de"
TITLE = "Lindener Markt\x1b[31mplatz\x07\x1b]0;gekapert\x07"


def test_stored_escapes_do_not_reach_the_terminal(make_cli):
    cli = make_cli(env={"COLUMNS": None})
    pid = int(cli("process", "create", "--title", TITLE, "--department", "Stadtplanung (61)",
                  "--district", "Mitte", "--lead-name", "Anna Lehmann",
                  "--lead-email", LEAD).stdout)
    listed = cli("process", "list").stdout
    assert "Lindener Marktplatz" in listed
    later = (datetime.now(ZoneInfo("Europe/Berlin")).date() + timedelta(days=61)).isoformat()
    stuck = cli("audit", "stuck", "--as-of", later).stdout
    assert f"#{pid} [initiated] Lindener Marktplatz" in stuck
    for out in (listed, stuck):
        assert "\x1b" not in out and "\x07" not in out and "gekapert" not in out


def test_audit_stuck_csv_defuses_a_formula_title(make_cli):
    cli = make_cli()
    formula = "=HYPERLINK(\"https://böse.example\";\"klick\")"
    cli("process", "create", "--title", formula, "--department", "Stadtplanung (61)",
        "--district", "Mitte", "--lead-name", "Anna Lehmann", "--lead-email", LEAD)
    for dialect, delimiter in (("excel-de", ";"), ("plain", ",")):
        out = cli("audit", "stuck", "--csv", "--csv-dialect", dialect).stdout
        cells = [c for r in csv.reader(io.StringIO(out.lstrip("\ufeff")), delimiter=delimiter)
                 for c in r]
        assert "'" + formula in cells and formula not in cells
