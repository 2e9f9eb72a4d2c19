"""Handlers of ``beteiligung run`` (the scheduler with the sweep, delivery and digest jobs) and
``beteiligung serve`` (the web application with that scheduler beside it).

``serve`` binds its port first and keeps it: a port that is taken is refused with its own exit
code (``PortInUse``) before a demo is built, anything is printed or the scheduler sweeps or
delivers anything; uvicorn then serves on that very socket, so no other program can take the
port in between.
"""

from __future__ import annotations

import argparse
import errno
import logging
import signal
import socket

from ..config.bootstrap import build_composer, build_engine, build_env, build_sender, system_clock
from ..config.settings import Settings, load_settings
from ..states.errors import BadInput, PortInUse

TEXTS = {
    "busy": {
        "de": "Port {port} auf {host} ist schon belegt (läuft dort schon ein „beteiligung "
              "serve“ oder ein anderes Programm?): einen anderen Port wählen, z. B. --port {next}",
        "en": "port {port} on {host} is already in use (is another 'beteiligung serve' or "
              "another program running there?): choose another port, e.g. --port {next}",
    },
    "cannot": {
        "de": "--host/--port: auf {host}:{port} kann nicht gelauscht werden: {problem}",
        "en": "--host/--port: cannot listen on {host}:{port}: {problem}",
    },
    "range": {
        "de": "--port: {port} ist kein Port; eine Zahl von 1 bis 65535 angeben",
        "en": "--port: {port} is not a port; give a number from 1 to 65535",
    },
    "dir": {"de": "--dir gehört zu --demo", "en": "--dir goes with --demo"},
}


def reminder_jobs(settings: Settings, engine=None):
    """The sweep, delivery, digest and retention jobs on the settings' wiring (``run`` and
    ``serve``)."""
    from ..notifications.dispatch import deliver
    from ..notifications.scheduler import Jobs
    from ..workflow.reminders import queue_digest, sweep
    from ..workflow.retention import apply_retention

    env, composer = build_env(settings, engine=engine), build_composer(settings)
    sender = build_sender(settings)

    def sweep_job(now) -> str:
        report = sweep(env, composer, now)
        return f"queued {len(report.queued)}, newly missed {len(report.missed)}"

    def deliver_job(now) -> str:
        return str(deliver(env, sender, settings.mail, now))

    def digest_job(now) -> str:
        run = queue_digest(env, composer, now)
        if run.message is not None:
            return f"digest queued to {', '.join(run.message.to)}"
        return ("this week's digest is queued already (by another run on this database)"
                if run.taken else "nothing overdue")

    def retention_job(now) -> str:
        done = apply_retention(env, env.retention, now)
        kept = f"; kept, trail broken: {list(done.kept)}" if done.kept else ""
        if done.kept:  # possible tampering: a warning, not a line among the routine ones
            logging.getLogger("beteiligung.retention").warning(
                "processes %s are due for removal but kept: their audit trail does not "
                "verify; run 'beteiligung audit verify'", list(done.kept))
        return ", ".join(f"{kind} {count}" for kind, count in done.removed.items()) + kept

    reminders = settings.reminders
    return Jobs(sweep_job, deliver_job, digest_job, system_clock, reminders.sweep_minutes,
                reminders.deliver_minutes, reminders.hour, retention_job)


def run(args: argparse.Namespace) -> int:
    from ..notifications.scheduler import run_forever

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    run_forever(reminder_jobs(load_settings()))
    return 0


def bind_port(host: str, port: int) -> socket.socket:
    """The socket listening on ``host:port`` as uvicorn would open it (``SO_REUSEADDR``: a
    port whose last connections are only closing is free), or ``PortInUse`` / ``BadInput``.
    Connections that arrive before uvicorn serves wait in its backlog."""
    values = {"host": host, "port": port, "next": port + 1}
    if not 1 <= port <= 65535:
        raise BadInput(texts=_said("range", values))
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(2048)  # held: on Linux a port that is only bound can be bound again
    except (OSError, UnicodeError) as error:  # UnicodeError: a host name IDNA cannot encode
        listener.close()
        if getattr(error, "errno", None) == errno.EADDRINUSE:
            raise PortInUse(texts=_said("busy", values)) from None
        problem = getattr(error, "strerror", None) or str(error)
        raise BadInput(texts=_said("cannot", values | {"problem": problem})) from None
    return listener


def _said(code: str, values: dict) -> dict[str, str]:
    return {lang: text.format(**values) for lang, text in TEXTS[code].items()}


def serve(args: argparse.Namespace) -> int:
    """The web application and the scheduler in one process, until SIGTERM or Ctrl-C."""
    if args.dir and not args.demo:
        raise BadInput(texts=TEXTS["dir"])
    listener = bind_port(args.host, args.port)
    try:
        return _serve(args, listener)
    finally:
        listener.close()


def _serve(args: argparse.Namespace, listener: socket.socket) -> int:
    import uvicorn

    from ..notifications.scheduler import build_scheduler
    from ..web.app import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for chatty in ("alembic", "transitions", "apscheduler"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    settings = demo_settings(args) if args.demo else load_settings()
    engine = build_engine(settings)  # one pool for the pages and the jobs, closed at the end
    app = create_app(build_env(settings, engine=engine), settings.web, settings.oversight,
                     settings.privacy)
    scheduler = build_scheduler(reminder_jobs(settings, engine), background=True)
    # uvicorn stops gracefully on SIGTERM and SIGINT, then raises the signal again for the
    # handler it found: let that be one that only logs, so the scheduler stops cleanly too
    log = logging.getLogger(__name__)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda number, _frame: log.info("signal %s: shutting down", number))
    host = f"[{args.host}]" if ":" in args.host else args.host
    log.info("listening on http://%s:%s (the port is bound before the scheduler starts)",
             host, args.port)
    scheduler.start()
    if args.demo:
        print(f"Demo: http://{args.host}:{args.port}/", flush=True)
    try:
        # the app decides which proxy to believe ([web] trusted_proxies), not uvicorn
        config = uvicorn.Config(app, host=args.host, port=args.port, log_level="info",
                                proxy_headers=False)
        uvicorn.Server(config).run(sockets=[listener])
    finally:
        scheduler.shutdown(wait=True)
        engine.dispose()
        log.info("stopped")
    return 0


def demo_settings(args: argparse.Namespace) -> Settings:
    """A new demo database (``--dir`` or a temp folder) filled by ``cli.demo_site``, with its
    accounts printed; mail goes to files beside it."""
    import dataclasses

    from ..config.settings import MailSettings
    from . import demo_folder, demo_site

    folder = demo_folder.prepare(args.dir)
    base = load_settings({})
    settings = dataclasses.replace(
        base, database_url=f"sqlite:///{folder / 'demo.db'}", embedded=True,
        coordinators=frozenset({demo_site.COORDINATOR}),
        mail=MailSettings(folder=str(folder / "mail"), sender="beteiligung@hannover-stadt.de",
                          base_url=f"http://{args.host}:{args.port}"))
    people = demo_site.build(settings)
    print(f"Demo-Datenbank: {folder / 'demo.db'}; E-Mails in {folder / 'mail'}")
    for email, role in people:
        print(f"  Anmeldung als {role}: {email} / Passwort: {demo_site.PASSWORD}")
    return settings
