"""HR reports: completion dashboard, charts and exports."""
