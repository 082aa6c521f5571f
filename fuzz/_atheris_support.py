"""What the atheris entry points of the fuzz targets share."""

from __future__ import annotations

import inspect
import sys
from typing import Any

__all__ = ["instrument_sseparse"]


def instrument_sseparse(atheris: Any) -> None:
    """Instrument every function and method of the loaded sseparse modules.

    ``atheris.instrument_all()`` would also instrument hypothesis and pytest,
    which takes minutes; coverage of sseparse is what guides the fuzzer.
    """
    for name, module in list(sys.modules.items()):
        if name != "sseparse" and not name.startswith("sseparse."):
            continue
        for obj in vars(module).values():
            if getattr(obj, "__module__", None) != name:
                continue
            members = vars(obj).values() if inspect.isclass(obj) else [obj]
            for member in members:
                if isinstance(member, property):
                    member = member.fget
                member = getattr(member, "__func__", member)  # static/classmethod
                if inspect.isfunction(member):
                    atheris.instrument_func(member)
