"""The reminder policy: steps before, on and after the due day, on working days only."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import islice
from zoneinfo import ZoneInfo

from beteiligung.states.reminders import Policy, latest_due, next_step, steps

BERLIN = ZoneInfo("Europe/Berlin")
HOLIDAYS = {date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 1), date(2026, 5, 14),
            date(2026, 5, 25), date(2026, 10, 3), date(2026, 10, 31), date(2026, 12, 25),
            date(2026, 12, 26)}


def working(day: date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


def local(step) -> tuple[date, int]:
    moment = step.at.astimezone(BERLIN)
    return moment.date(), moment.hour


def test_default_steps_fall_at_eight_on_working_days():
    due = datetime(2026, 6, 30, 21, 59, tzinfo=UTC)  # Tuesday 23:59 in Berlin
    first = list(islice(steps(Policy(), due, working), 6))
    assert [s.offset for s in first] == [14, 3, 0, -7, -14, -21]
    assert [local(s) for s in first] == [
        (date(2026, 6, 16), 8), (date(2026, 6, 26), 8), (date(2026, 6, 30), 8),
        (date(2026, 7, 7), 8), (date(2026, 7, 14), 8), (date(2026, 7, 21), 8)]
    assert [s.escalation for s in first] == [False, False, False, True, True, True]
    assert [s.index for s in first] == list(range(6))


def test_weekend_and_holiday_move_earlier_before_and_later_after_the_due_day():
    # due Monday 2026-04-06 is Easter Monday; 3 days before is Good Friday (a holiday too)
    due = datetime(2026, 4, 6, 10, 0, tzinfo=BERLIN)
    first = list(islice(steps(Policy(), due, working), 4))
    assert local(first[0])[0] == date(2026, 3, 23)   # 14 before: Monday, a working day
    assert local(first[1])[0] == date(2026, 4, 2)    # Good Friday -> Thursday before
    assert local(first[2])[0] == date(2026, 4, 2)    # Easter Monday -> back past the weekend
    assert local(first[3])[0] == date(2026, 4, 13)   # 7 days overdue: a Monday, working
    assert all(working(local(s)[0]) for s in first)
    # 7 days after Friday 2026-04-24 is Labour Day (Friday): the overdue step waits for Monday
    late = list(islice(steps(Policy(), datetime(2026, 4, 24, 12, tzinfo=UTC), working), 4))[3]
    assert late.offset == -7 and local(late)[0] == date(2026, 5, 4)


def test_two_steps_on_one_day_after_shifting_send_only_the_later_one():
    due = datetime(2026, 4, 6, 10, 0, tzinfo=BERLIN)  # Easter Monday
    now = datetime(2026, 4, 2, 9, 0, tzinfo=BERLIN)   # both steps moved to Thursday 08:00
    assert latest_due(Policy(), due, working, 0, now).offset == 0


def test_eight_oclock_berlin_in_utc_across_the_clock_change():
    winter = next(iter(steps(Policy(days_before=()), datetime(2026, 3, 27, 12, tzinfo=UTC),
                             working)))
    summer = next(iter(steps(Policy(days_before=()), datetime(2026, 3, 30, 12, tzinfo=UTC),
                             working)))
    assert winter.at == datetime(2026, 3, 27, 7, 0, tzinfo=UTC)   # CET: UTC+1
    assert summer.at == datetime(2026, 3, 30, 6, 0, tzinfo=UTC)   # CEST: UTC+2
    autumn = next(iter(steps(Policy(days_before=()), datetime(2026, 10, 26, 12, tzinfo=UTC),
                             working)))
    assert autumn.at == datetime(2026, 10, 26, 7, 0, tzinfo=UTC)  # back to CET


def test_after_downtime_only_the_latest_due_step_is_taken():
    due = datetime(2026, 6, 30, 21, 59, tzinfo=UTC)
    now = datetime(2026, 7, 15, 12, tzinfo=UTC)  # past 14 days before ... 14 days overdue
    step = latest_due(Policy(), due, working, -1, now)
    assert step.offset == -14 and step.index == 4 and step.escalation
    assert latest_due(Policy(), due, working, 4, now) is None
    assert latest_due(Policy(), due, working, -1, datetime(2026, 6, 1, tzinfo=UTC)) is None


def test_next_step_after_a_sent_one():
    due = datetime(2026, 6, 30, 21, 59, tzinfo=UTC)
    assert next_step(Policy(), due, working, -1).offset == 14
    assert next_step(Policy(), due, working, 2).offset == -7
    assert next_step(Policy(overdue_every=0), due, working, 2) is None


def test_custom_policy_from_the_settings():
    policy = Policy(days_before=(10, 2, 2, 0), on_the_day=False, overdue_every=3,
                    escalate_after=6, hour=14)
    due = datetime(2026, 9, 10, 12, tzinfo=UTC)  # Thursday
    first = list(islice(steps(policy, due, working), 5))
    assert [s.offset for s in first] == [10, 2, -3, -6, -9]
    assert [s.escalation for s in first] == [False, False, False, True, True]
    assert {local(s)[1] for s in first} == {14}
