"""The generic ticket API every ticket type's API builds on: ``tickets.TicketViewSet``,
the shared serializers, errors as JSON, pagination, permissions and schema helpers."""
