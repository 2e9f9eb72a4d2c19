"""Notifications: e-mail templates, the outbox and its sender (built in issue 3).

Modules:
    calendar   ``WorkingCalendar``: working days in Lower Saxony (``holidays``).
    messages   ``ReminderContext``, ``DigestItem``, ``Message``: what templates take and give.
    templates  ``Templates``: Jinja2 rendering, German and English, checked at start-up.
    ics        the deadline as an iCalendar event (``icalendar``).
    email      ``build_email``, ``make_message_id``: the MIME e-mail with a stable Message-ID.
    senders    the ``Sender`` port, ``FileSender`` (``.eml`` files) and ``SmtpSender``.
    samples    the sample data every template is rendered with when ``Templates`` is built.

Import rule: imports ``states`` and ``workflow`` (its ports only), the standard library,
``jinja2``, ``aiosmtplib``, ``icalendar`` and ``holidays``; never ``storage``, ``config``,
``cli`` or ``web``.
"""
