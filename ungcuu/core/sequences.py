"""Numbers that run per center and per year (incident numbers, temporary receipts)."""

from __future__ import annotations

from django.db import connection


def next_in_year(counter_model, center, year: int) -> int:
    """The next value of a (center, year) counter row with a ``last`` column, unique on
    (center, year); call it inside a transaction.

    One statement makes the row (the center's first number of the year) or adds one to
    it, and reads it: it takes the counter row's lock, so every writer of a center
    queues on this row until COMMIT: call it as late in the transaction as the number
    allows (an incident's report writes its rows first and takes its number last)."""
    table = connection.ops.quote_name(counter_model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (center_id, year, last) VALUES (%s, %s, 1)"
            f" ON CONFLICT (center_id, year) DO UPDATE SET last = {table}.last + 1"
            " RETURNING last",
            [center.pk, year],
        )
        return cursor.fetchone()[0]


def catch_up(counter_model, center, year: int, highest: int) -> None:
    """Bring a counter that fell behind its rows (a counter row deleted or restored from
    an older copy, rows written around it) up to ``highest``, the largest number already
    given; the caller then takes a number again. Two callers may do it at once: the
    counter only ever moves up."""
    if highest <= 0:
        return
    counter_model.objects.filter(center=center, year=year, last__lt=highest).update(last=highest)
    counter_model.objects.get_or_create(center=center, year=year, defaults={"last": highest})
