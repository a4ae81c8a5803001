"""Optional packages (the extras in pyproject.toml), imported only where they are used, with
an error naming the extra that installs them.

    >>> optuna = require("optuna", "optimize", "lc.optimize")
"""

from __future__ import annotations

import importlib
from types import ModuleType


class MissingExtraError(ImportError):
    """An optional package is not installed; the message says which extra installs it."""


def require(module: str, extra: str, what: str) -> ModuleType:
    """``module`` imported, or :class:`MissingExtraError` saying that ``what`` (a function or
    command, as the user called it) needs it and ``pip install 'lifecircle[extra]'``."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise MissingExtraError(
            f"{what} needs {module.split('.')[0]} ({e}): pip install 'lifecircle[{extra}]'",
            name=module,
        ) from None
