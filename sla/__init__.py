"""Service levels: business calendars, SLA definitions, the clocks of each incident and
their alarms (docs/sla.md)."""
