"""What other apps ask the status page. The portal's report form shows a service's open
public incidents as "Is it this? Follow it instead"."""

from catalog.models import Service
from statuspage.models import PublicIncident
from statuspage.status import open_public_incidents


def public_incidents_for_service(service: Service) -> list[PublicIncident]:
    """Open public incidents on ``service``, newest first; each has ``.title``, ``.url``
    (its public page, a path) and ``.incident.number``."""
    if not (service.is_public and service.is_active):
        return []
    return list(open_public_incidents().filter(incident__service=service))
