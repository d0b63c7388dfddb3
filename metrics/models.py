"""The reports page hangs off a proxy of the incident, as the major-incident board does:
the admin lists it in the index and its view permission says who may read it. No table."""

from incidents.models import Incident


class IncidentReport(Incident):
    """The admin's reports page (``metrics.admin.reports``): charts, not rows."""

    class Meta:
        proxy = True
        verbose_name = "incident report"
        verbose_name_plural = "incident reports"
