"""Database sessions that know when their row expires, without another query."""

from __future__ import annotations

from django.contrib.sessions.backends import db


class SessionStore(db.SessionStore):
    """Django's database sessions, keeping the stored expiry of the row they read or wrote.

    ``get_expiry_date()`` counts from now for a session not changed in this request, which
    would slide forward on every page; the row's own ``expire_date`` is when it really ends.
    """

    expire_date = None

    def _get_session_from_db(self):
        found = super()._get_session_from_db()
        self.expire_date = found.expire_date if found else None
        return found

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        self.expire_date = instance.expire_date
        return instance
