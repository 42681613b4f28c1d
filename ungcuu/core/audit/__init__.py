"""Audit of configuration: who changed how a center responds, and what it was before.

django-auditlog records the changes (``registry``); ``selectors`` decide who reads which
entries; ``views`` shows them at /audit/. It lives in ``core`` rather than in a domain
app because it reads the rows of org, catalog, notify and continuity alike: it stands on
top of them, as the API and the demo builder do, so none of them has to import upward.
"""
