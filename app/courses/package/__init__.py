"""Reading, checking and writing course package folders (see ``courses/README.md``).

``check_package`` reports every problem of a folder at once, each with the file (relative
to the folder's parent, e.g. ``executive-enablement/social-selling/listening.md``) and the
1-based line. ``load_package`` turns a clean folder into a :class:`CourseSpec`;
``write_package`` writes a spec back in the canonical form, so that a clean package that
is already canonical is reproduced byte for byte.

A module's ``lessons:`` list names reading lessons (``slug`` for ``slug.md``) and quizzes
(a mapping ``quiz: slug`` with the quiz's settings, for the Moodle GIFT file
``slug.gift``). ``package_warnings`` lists what the GIFT reader warns about; those are not
problems.

The folder is read in layers: ``format`` (file names, keys, limits, slugs, links),
``manifests`` (YAML values with their lines), ``lessons`` (a lesson file and its links)
and ``reader`` (the whole folder: ``check_package``, ``load_package``,
``package_warnings``); ``writer`` writes a spec back (``write_package``). Names starting
with ``_`` are shared by these modules only.
"""

from app.courses.package.reader import check_package, load_package, package_warnings
from app.courses.package.writer import write_package

__all__ = ["check_package", "load_package", "package_warnings", "write_package"]
