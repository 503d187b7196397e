"""The service home page in the access matrix (see crm.testing.matrix): everyone with the
service module's view right opens it; the rest get 404."""

from crm.testing.matrix import page, roles

from .matrix_entries import CAN_VIEW, SERVICE, VIEW

page("service home", "GET", "/service/", module=SERVICE, action=VIEW, allowed=CAN_VIEW)
# The statistics the home page loads after it: managers only (service scope "all", a reader of
# a unit's tickets, a queue's escalation manager); an agent or a rep gets 404.
page(
    "service home statistics",
    "GET",
    "/service/stats/",
    module=SERVICE,
    action=VIEW,
    allowed=roles("admin", "leader", "mgr_east", "mgr_west"),
)
