"""One router per domain, mounted under /api/v1/."""

from ungcuu.api.api import api
from ungcuu.catalog.api import router as catalog_router
from ungcuu.incidents.api import router as incidents_router
from ungcuu.org.api import router as org_router

api.add_router("", org_router)
api.add_router("", catalog_router)
api.add_router("", incidents_router)
