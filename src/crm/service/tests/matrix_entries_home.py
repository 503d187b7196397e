"""The service home page in the access matrix (see crm.testing.matrix): everyone with the
service module's view right opens it; the rest get 404."""

from crm.testing.matrix import page

from .matrix_entries import CAN_VIEW, SERVICE, VIEW

page("service home", "GET", "/service/", module=SERVICE, action=VIEW, allowed=CAN_VIEW)
