"""The benchmark of issue 13: ``python -m bench seed`` and ``python -m bench run``
(bench/README.md).

Not part of the application: it seeds throwaway databases and measures the app from outside.
``bench.core`` has the ``Row`` every module of rows returns and the registry of those modules.
"""

from .core import MODULES, Context, Measure, Row, interleaved, repeat, timed

__all__ = ["MODULES", "Context", "Measure", "Row", "interleaved", "repeat", "timed"]
