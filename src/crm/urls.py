from django.contrib.auth import views as auth_views
from django.urls import include, path

from crm.api.api import api
from crm.org import views as org_views
from crm.web.views import set_language

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", org_views.login_view, name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", org_views.PasswordChangeView.as_view(), name="password_change"),
    path("org/", include("crm.org.urls")),
    path("customers/", include("crm.customers.urls")),
    path("products/", include("crm.products.urls")),
    path("sales/", include("crm.sales.urls")),
    path("service/", include("crm.service.urls")),
    path("field/", include("crm.fieldservice.urls")),
    path("orders/", include("crm.orders.urls")),
    path("notifications/", include("crm.system.urls")),
    path("commissions/", include("crm.commissions.urls")),
    path("knowledge/", include("crm.knowledge.urls")),
    path("jobs/", include("crm.core.urls")),
    path("", include("crm.web.urls")),
]
