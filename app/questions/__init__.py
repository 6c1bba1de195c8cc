"""Quiz questions, independent of the database: as data (``spec.py``) and as Moodle GIFT
text (``gift/``). The course catalogue reads quiz files with these; the quizzes that
executives take are in ``app/quizzes``."""
