"""The weekly activity log: what executives record each week, their charts and reminder."""
