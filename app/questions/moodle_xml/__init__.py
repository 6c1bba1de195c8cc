"""Moodle XML, the format of a Moodle question bank export: ``reader.parse_moodle_xml``
turns a file into Podium questions (and the images it embeds), ``writer.write_moodle_xml``
writes questions the way Moodle's own export does. ``common`` holds what both share,
``texts`` the text elements with their formats and ``files`` the embedded images."""
