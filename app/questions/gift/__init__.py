"""Moodle GIFT, the text format quizzes are written in: ``reader.parse_gift`` and
``writer.write_gift`` (canonical GIFT that reads back into equal questions); ``syntax``
holds what both share and ``pieces`` the text below a question as the reader cuts it."""
