"""The demo desk's SLAs: the defaults a new desk gets (``sla.defaults``: a 24x7 calendar, an
office calendar, one definition per priority), the office calendar's public holidays for
Berlin, and every demo incident's clocks.

The demo loads under ``kernel.events.muted()``, so the clock engine never heard of its
incidents: their clocks are derived from their timelines afterwards (the same
``clocks_rebuild`` an import uses), and the warnings and breaches already past are stamped
without telling anyone (the alarms run muted too), so the first beat after ``make run``
does not mail the desk about last month."""

from django.utils import timezone

from accounts.models import User
from incidents.models import Incident
from sla.alarms import fire_due
from sla.clocks import clocks_rebuild
from sla.defaults import OFFICE_NAME, sla_defaults_create
from sla.holidays import holidays_generate
from sla.models import Calendar


def load_sla(admin: User) -> None:
    sla_defaults_create(time_zone="Europe/Berlin")
    office = Calendar.objects.get(name=OFFICE_NAME)
    year = timezone.now().year
    holidays_generate(
        office, country="DE", subdivision="BE", years=range(year - 1, year + 2), by=admin
    )


def settle_sla() -> None:
    for incident in Incident.objects.order_by("id").iterator():
        clocks_rebuild(incident)
    fire_due()
