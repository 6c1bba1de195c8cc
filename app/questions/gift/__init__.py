"""Moodle GIFT, the text format quizzes are written in: ``reader.parse_gift`` (with
``answers``, the answers of each question type) and ``writer.write_gift`` (GIFT as Moodle's
exporter writes it, which reads back into equal questions); ``syntax`` holds what both
share and ``pieces`` the text below a question as the reader cuts it."""
