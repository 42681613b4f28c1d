from django.contrib import admin
from django.urls import include, path, register_converter

from ungcuu.api.api import api
from ungcuu.core import pwa
from ungcuu.core import views as core_views
from ungcuu.core.numbers import IdConverter
from ungcuu.incidents import views as incident_views
from ungcuu.sync import views as sync_views

register_converter(IdConverter, "id")

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("site/address/", core_views.site_address, name="site_address"),
    path("sw.js", pwa.service_worker, name="pwa_sw"),
    path("manifest.webmanifest", pwa.manifest, name="pwa_manifest"),
    path("offline/", pwa.offline, name="pwa_offline"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/sync/bootstrap", sync_views.bootstrap, name="sync_bootstrap"),
    path("api/v1/sync/push", sync_views.push, name="sync_push"),
    path("api/v1/sync/pull", sync_views.pull, name="sync_pull"),
    path("api/v1/", api.urls),
    path("", incident_views.home, name="home"),
    path("", include("ungcuu.org.urls")),
    path("", include("ungcuu.incidents.urls")),
    path("", include("ungcuu.notify.urls")),
    path("", include("ungcuu.continuity.urls")),
    path("", include("ungcuu.reports.urls")),
    path("", include("ungcuu.readiness.urls")),
    path("", include("ungcuu.knowledge.urls")),
    path("", include("ungcuu.monitor.urls")),
    path("", include("ungcuu.catalog.urls")),
    path("", include("ungcuu.core.audit.urls")),
]
