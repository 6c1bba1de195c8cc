"""Podium's background work, above every feature: the tasks (``tasks.py``, each a thin call
into the service that owns the work), the notifications that come from the calendar
(``schedule.py``), and running them (``runner.py``: ``podium worker``, the worker inside
``podium serve``, the tests' "run what is due now"). The queue they are read from, and the
two engines that run them, are ``app/jobs``."""
