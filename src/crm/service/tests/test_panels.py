"""The ticket page's extension point: a registered panel renders with its context, a panel
returning None or invisible to the user's access is left out."""

from collections.abc import Iterator
from typing import Any

import pytest

from crm.service import panels
from crm.service.models import Ticket

pytestmark = pytest.mark.usefixtures("demo_once")


@pytest.fixture
def registered(tmp_path: Any, settings: Any) -> Iterator[None]:
    (tmp_path / "panel_probe.html").write_text('<p id="probe">{{ panel.word }}</p>')
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0].get("DIRS", []), tmp_path]}
    ]
    panels.register_panel(
        panels.TicketPanel("probe", "panel_probe.html", lambda u, t: {"word": f"T{t.pk}"})
    )
    panels.register_panel(panels.TicketPanel("hidden", "panel_probe.html", lambda u, t: None))
    panels.register_panel(
        panels.TicketPanel(
            "denied", "panel_probe.html", lambda u, t: {"word": "x"}, visible=lambda a: False
        )
    )
    yield
    for key in ("probe", "hidden", "denied"):
        panels.unregister_panel(key)


def test_registered_panel_renders_on_the_ticket(
    registered: None, page_client: Any, agent: Any, west_ticket: Ticket
) -> None:
    keys = [p["key"] for p in panels.panels_for(agent, west_ticket)]
    assert "probe" in keys and "hidden" not in keys and "denied" not in keys
    body = page_client(agent).get(f"/service/tickets/{west_ticket.pk}/").content.decode()
    assert 'data-panel="probe"' in body and f'<p id="probe">T{west_ticket.pk}</p>' in body
    assert 'data-panel="hidden"' not in body and 'data-panel="denied"' not in body
