from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from common.health import healthz
from grievance.web.portal_views import home as portal_home

api_v1 = [
    path("auth/", include("accounts.api.urls")),
    path("", include("grids.api.urls")),
    path("", include("grievance.api.urls")),
    path("mediation/", include("mediation.api.urls")),
    path("credit/", include("credit.api.urls")),
]

urlpatterns = [
    # The citizen portal's start page is the site's home ("home": login/logout redirects, the header).
    path("", portal_home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("grievance.web.portal_urls")),
    path("work/", include("grievance.web.staff_urls")),
    path("dashboard/", include("grievance.web.dashboard_urls")),
    path("mediation/", include("mediation.urls")),
    path("open311/", include("open311.urls")),
    path("api/v1/", include(api_v1)),
    path("credit/", include("credit.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]

admin.site.site_header = gettext_lazy("区域诉求办理平台 管理后台")
admin.site.site_title = gettext_lazy("诉求办理平台")
admin.site.index_title = gettext_lazy("系统管理")
