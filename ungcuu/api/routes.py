"""One router per domain, mounted under /api/v1/."""

from ungcuu.api.api import api
from ungcuu.catalog.api import router as catalog_router
from ungcuu.continuity.api import router as continuity_router
from ungcuu.incidents.api import router as incidents_router
from ungcuu.incidents.major_api import router as major_router
from ungcuu.knowledge.api import router as knowledge_router
from ungcuu.monitor.api import router as monitor_router
from ungcuu.org.api import router as org_router
from ungcuu.readiness.api import router as readiness_router
from ungcuu.reports.api import router as reports_router
from ungcuu.sync.api import router as sync_router

api.add_router("", org_router)
api.add_router("", catalog_router)
api.add_router("", incidents_router)
api.add_router("", major_router)
api.add_router("", continuity_router)
api.add_router("", reports_router)
api.add_router("", readiness_router)
api.add_router("", knowledge_router)
api.add_router("", monitor_router)
api.add_router("", sync_router)
