"""Methods of a lower layer's class whose work a module above it does.

``res.gaps()``, ``res.map()``, ``res.plot`` ... (results.py) and ``sc.with_project_lists()``
(scenario.py) are the analyst's short path to work done in modules above theirs
(lifecircle.gaps, webmap, plot, projects ...). A module never imports one above it (the
layers point one way; tests/python/test_layers.py fails on a cycle), so each such method is
a one-line call through this table, which the package fills when it is imported
(``lifecircle/__init__.py``: every ``import lifecircle.<module>`` runs it first).

    >>> method("Results.gaps")(res, 2025)   # what res.gaps(2025) does
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_TABLE: dict[str, Callable[..., Any]] = {}


def connect(methods: dict[str, Callable[..., Any]]) -> None:
    """Gives ``"Class.method"`` names the functions that carry them out (called once, by the
    package's ``__init__``)."""
    _TABLE.update(methods)


def method(name: str) -> Callable[..., Any]:
    """The function that carries out ``name`` (``"Results.gaps"``): it takes the object first."""
    try:
        return _TABLE[name]
    except KeyError:
        raise RuntimeError(f"{name}: not connected (lifecircle/__init__.py connects it)") from None
