"""Notifications: what the engine says to people: e-mails and their sender (issue 3), the
quarterly report and the public list (issue 4).

Modules:
    calendar   ``WorkingCalendar``: working days in Lower Saxony (``holidays``).
    messages   ``ReminderContext``, ``DigestItem``, ``Message``: what templates take and give.
    templates  ``Templates``: Jinja2 rendering, German and English, checked at start-up.
    ics        the deadline as an iCalendar event (``icalendar``).
    email      ``build_email``, ``render``, ``key_message_id``: the finished e-mail as bytes.
    compose    ``TemplateComposer``: the sweep's reminders and digests, rendered for the outbox.
    dispatch   ``deliver``: claim, re-check, send and mark the outbox's messages.
    senders    the ``Sender`` port, ``FileSender`` (``.eml`` files) and ``SmtpSender``.
    scheduler  ``beteiligung run``: the sweep, delivery and digest on APScheduler.
    samples    the sample data every template is rendered with when ``Templates`` is built.
    quarterly  the quarterly report as HTML (inline SVG charts), Markdown or CSV;
               ``quarterly_texts`` holds its German and English words.
    public_list  the Vorhabenliste (published data only) as JSON, CSV or HTML.

Import rule: imports ``states`` and ``workflow`` (its ports only), the standard library,
``jinja2``, ``aiosmtplib``, ``icalendar`` and ``holidays``; never ``storage``, ``config``,
``cli`` or ``web``.
"""
