"""Priority is derived from impact and urgency through the (editable) matrix."""

from kernel.enums import Priority
from kernel.models import PriorityCell

# ITIL's table as ServiceNow ships it; the data migration seeds the matrix from it.
DEFAULT_MATRIX: dict[tuple[int, int], int] = {
    (1, 1): 1, (1, 2): 2, (1, 3): 3,
    (2, 1): 2, (2, 2): 3, (2, 3): 4,
    (3, 1): 3, (3, 2): 4, (3, 3): 5,
}  # fmt: skip


def priority_for(impact: int, urgency: int) -> int:
    """The matrix's priority for this pair; a missing cell falls back to ITIL's default."""
    cell = PriorityCell.objects.filter(impact=impact, urgency=urgency).values_list(
        "priority", flat=True
    )
    for value in cell:
        return int(value)
    return DEFAULT_MATRIX.get((impact, urgency), Priority.PLANNING)
