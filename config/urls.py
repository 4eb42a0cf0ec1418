from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from viewflow.contrib.auth import AuthViewset
from viewflow.urls import Site

from workflows import catalogue_public
from workflows.accounts import two_factor_pages
from workflows.flows import DecisionFlow
from workflows.viewsets import DecisionAppViewset

site = Site(
    title=_("Major administrative decisions"),
    primary_color="#b71c1c",
    secondary_color="#c62828",
    viewsets=[
        DecisionAppViewset(DecisionFlow, icon="gavel"),
    ],
)

handler403 = "workflows.errors.permission_denied"
handler404 = "workflows.errors.page_not_found"

urlpatterns = [
    # The second factor: its code after the password, enrolment, the user's own page.
    path("accounts/two-factor/", include(two_factor_pages.urlpatterns)),
    path("accounts/", AuthViewset(with_profile_view=False).urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # viewflow's pages load it when it exists: dates typed and shown as zh-hans writes them.
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("workflows.api.urls")),
    # The published annual catalogue (Art. 3 para. 3): outside the site, read without a login.
    path("catalogue/", catalogue_public.PublicCatalogueIndexView.as_view(),
         name="catalogue_public_index"),
    path("catalogue/<int:year>/", catalogue_public.PublicCatalogueView.as_view(),
         name="catalogue_public"),
    path("", site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)
