"""Background jobs: work that must not hold up a request, or must happen on a schedule.

- ``queue.defer(session, task, **args)`` records a job in the caller's transaction, so a
  job exists exactly when what caused it was committed.
- ``registry`` names the tasks and how each is retried or scheduled; ``app/worker/tasks``
  defines them (above every feature, whose services only defer). A task is a plain
  function of a ``JobEnv`` and JSON arguments.
- On PostgreSQL the jobs are Procrastinate's (``engine_pg``): any number of
  ``podium worker`` processes share them, with retries, periodic deferral that happens
  once however many workers run, and stalled-job recovery.
- On SQLite, the embedded default, a small table and an in-process runner (``local``)
  run the same tasks for the single machine that SQLite serves.
"""
