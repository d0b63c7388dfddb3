"""The problem admin, the known-error database, the recurring-incident report, and the
problem side of the incident console (actions, known-error suggestions)."""

from problems.admin import incident_hooks, known_errors, problem

__all__ = ["incident_hooks", "known_errors", "problem"]
