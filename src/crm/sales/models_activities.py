"""Activities (tasks, calls, meetings, visits) and sales targets."""
