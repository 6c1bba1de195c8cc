"""Activities: the lessons an executive does by building a workbook that a trainer approves
(a digital persona, a 90-day plan), taken together. ``kinds.py`` says what the shared
pages, the review and the learner's pages need of each kind; ``routes.py`` holds the
pages every kind shares (live counters, submission for review, versions). Each kind is
its own package (``app/persona``, ``app/planner``), built on ``app/workbooks``."""
