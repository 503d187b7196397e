from django.urls import path

from . import views, views_desk, views_home, views_repair, views_revisit, views_sla

app_name = "service"
urlpatterns: list = [
    path("", views_home.service_home, name="home"),
    path("stats/", views_home.service_home_stats, name="home_stats"),
    path("tickets/", views.ticket_list, name="ticket_list"),
    path("tickets/new/", views.ticket_create, name="ticket_create"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/transition/", views.ticket_transition, name="ticket_transition"),
    path("tickets/<int:pk>/entries/", views.entry_create, name="entry_create"),
    path("tickets/pick/customers/", views_repair.customer_options, name="customer_options"),
    path("tickets/pick/products/", views_repair.product_options, name="product_options"),
    path("tickets/<int:pk>/repair-charge/", views_repair.repair_charge, name="repair_charge"),
    path("tickets/<int:pk>/attachments/", views_repair.attachment_create, name="ticket_attach"),
    path(
        "tickets/attachments/<int:pk>/",
        views_repair.attachment_download,
        name="ticket_attachment",
    ),
    path(
        "tickets/<int:pk>/repair-orders/",
        views_repair.repair_order_create,
        name="repair_order_create",
    ),
    path(
        "repair-orders/<int:pk>/status/",
        views_repair.repair_order_status,
        name="repair_order_status",
    ),
    path("tickets/<int:pk>/defects/", views_repair.defect_create, name="defect_create"),
    path("defects/", views_repair.defect_list, name="defect_list"),
    path("defects/<int:pk>/status/", views_repair.defect_status, name="defect_status"),
    path("desk/", views_desk.desk_page, name="desk"),
    path("desk/log/", views_desk.desk_log, name="desk_log"),
    path("desk/contact/", views_desk.desk_contact, name="desk_contact"),
    path("desk/lead/", views_desk.desk_lead, name="desk_lead"),
    path("revisits/", views_revisit.revisit_list, name="revisit_list"),
    path("revisits/<int:pk>/record/", views_revisit.revisit_record, name="revisit_record"),
    path("revisits/report/", views_revisit.complaint_report, name="complaint_report"),
    path("sla/revisit-days/", views_revisit.revisit_days, name="revisit_days"),
    path("sla/", views_sla.compliance, name="sla_compliance"),
    path("sla/settings/", views_sla.sla_settings, name="sla_settings"),
    path("sla/calendars/new/", views_sla.calendar_edit, name="sla_calendar_create"),
    path("sla/calendars/<int:pk>/", views_sla.calendar_edit, name="sla_calendar_edit"),
    path("sla/calendars/<int:pk>/days/", views_sla.calendar_day, name="sla_calendar_day"),
    path("sla/policies/new/", views_sla.policy_edit, name="sla_policy_create"),
    path("sla/policies/<int:pk>/", views_sla.policy_edit, name="sla_policy_edit"),
    path("sla/managers/", views_sla.queue_manager, name="sla_queue_manager"),
]
