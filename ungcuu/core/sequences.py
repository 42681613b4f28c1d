"""Numbers that run per center and per year (incident numbers, temporary receipts)."""

from __future__ import annotations

from django.db import IntegrityError, connection, transaction


def next_in_year(counter_model, center, year: int) -> int:
    """The next value of a (center, year) counter row with a ``last`` column; call it
    inside a transaction.

    One UPDATE … RETURNING takes the counter row's lock and reads it: every writer of
    a center queues on this row until COMMIT, so it is the last thing before the
    inserts."""
    table = counter_model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last = last + 1 WHERE center_id = %s AND year = %s RETURNING last",
            [center.pk, year],
        )
        row = cursor.fetchone()
    if row is not None:
        return row[0]
    try:
        with transaction.atomic():
            counter_model.objects.create(center=center, year=year, last=1)
        return 1
    except IntegrityError:  # another writer created it first
        return next_in_year(counter_model, center, year)
