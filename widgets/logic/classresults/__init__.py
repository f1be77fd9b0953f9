"""The lecturer's class-results board: many students' answers files in, per-question results out.

Students export an anonymised class answers file (chapter 09, "Prepare a class
answers file"; see :func:`widgets.logic.portfolio.export_class_answers`), or hand in
their reflective log. The lecturer drops the files onto the board and sees, per
question, how many answered it, the spread of answers, the share correct and the
most common wrong answer.

The pure logic, in four modules (the view is :mod:`widgets.views.classresults`):

- :func:`.reading.read_class_files` reads uploaded files ``(name, bytes)`` with
  :func:`widgets.logic.portfolio.parse_export`. A file that cannot be read, a duplicate
  (the same answers, at the same times, as a file read earlier) and a file with
  no answers to use are skipped as a :class:`SkippedFile` naming the file and the
  reason; nothing else is raised. Each file keeps its latest answer per
  question. Reflection text is dropped as the file is read: the board counts who
  wrote a reflection and never reads what they wrote.
- :func:`.aggregate.answers_frame` puts every kept answer in one pandas frame (file,
  question id, kind, a canonical JSON key of the answer);
  :func:`class_results` counts each distinct answer per question with one
  ``groupby``, grades each *distinct* answer once with :mod:`widgets.logic.grading`,
  and builds a :class:`QuestionResult` per question of the content files.
  Answers to questions the content no longer has are counted and reported.
- :func:`.synthetic.synthetic_class_files` makes a seeded class of fictional students'
  class answers files, in the exact export format.
- :mod:`.html`: :func:`question_html`, :func:`results_html`, :func:`summary_html`,
  :func:`skipped_summary_html` (for the projected screen: counts by a plain reason, no file names) and
  :func:`skipped_details_html` (for the lecturer: names and reasons, in a closed ``<details>``) write the
  board's HTML; every text from a file is escaped. ``key_shown=False`` (:func:`without_key`) leaves out
  everything that gives the answer key away, until the lecturer shows it.
- What the board checks: each file's SHA-256 check-sum (damage and careless edits, **not** forgery:
  anyone can change the answers and recompute it); each answer against its question (an option it has,
  a rating on its scale, a number to its precision: counted apart as unfit) and its time (an answer dated
  in the future is left out and counted).

Example
-------
>>> from widgets.logic.classresults import *
>>> batch = read_class_files(synthetic_class_files(5, seed=1))
>>> len(batch.files), batch.skipped
(5, ())
>>> results = class_results(batch.files)
>>> results.files
5
"""

from .aggregate import REFLECTION_NOTE, ClassResults, QuestionResult, Tally, TallyRow, answers_frame, class_results
from .html import (
    question_html,
    results_html,
    skipped_details_html,
    skipped_html,
    skipped_summary_html,
    summary_html,
    without_key,
)
from .reading import (
    MAX_CLASS_BYTES,
    MAX_CLASS_FILES,
    NOT_A_CLASS_FILE,
    SKIP_REASONS,
    ClassBatch,
    ClassFile,
    SkippedFile,
    class_file_name,
    display_name,
    read_class_file,
    read_class_files,
)
from .synthetic import CLASS_SEED, SYNTHETIC_CLASS_LABEL, synthetic_class_files

__all__ = [
    "CLASS_SEED",
    "MAX_CLASS_BYTES",
    "MAX_CLASS_FILES",
    "NOT_A_CLASS_FILE",
    "REFLECTION_NOTE",
    "SKIP_REASONS",
    "SYNTHETIC_CLASS_LABEL",
    "ClassBatch",
    "ClassFile",
    "ClassResults",
    "QuestionResult",
    "SkippedFile",
    "Tally",
    "TallyRow",
    "answers_frame",
    "class_file_name",
    "class_results",
    "display_name",
    "question_html",
    "read_class_file",
    "read_class_files",
    "results_html",
    "skipped_details_html",
    "skipped_html",
    "skipped_summary_html",
    "summary_html",
    "synthetic_class_files",
    "without_key",
]
