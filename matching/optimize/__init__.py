"""Generic solvers: exact min-cost-flow assignment, the CP-SAT SROI mode and practice baselines.

They know nothing of people or vacancies beyond a tidy table of allowed pairs
(``candidate_id``, ``vacancy_id``, ``weight``) and the capacity of each vacancy.
"""

from matching.optimize.baselines import greedy_assignment, sequential_assignment
from matching.optimize.flow import (
    MCF_STATUS_MESSAGES,
    AssignmentResult,
    PreparedPairs,
    build_result,
    mcf_status_error,
    prepare_pairs,
    solve_assignment,
)
from matching.optimize.sroi import (
    CPSAT_STATUS_MESSAGES,
    SroiObligations,
    SroiParams,
    cpsat_status_error,
    solve_sroi,
    solve_sroi_assignment,
)

__all__ = [
    "CPSAT_STATUS_MESSAGES", "MCF_STATUS_MESSAGES", "AssignmentResult", "PreparedPairs",
    "SroiObligations", "SroiParams", "build_result", "cpsat_status_error", "greedy_assignment",
    "mcf_status_error", "prepare_pairs", "sequential_assignment", "solve_assignment", "solve_sroi",
    "solve_sroi_assignment",
]
