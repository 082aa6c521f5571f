"""What the fuzz targets share: seeded chunkings and atheris instrumentation."""

from __future__ import annotations

import importlib
import inspect
import random
import sys
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["instrument_sseparse", "run_atheris", "seeded_chunks"]

_Cut = TypeVar("_Cut", bytes, str)
# Piece sizes the derived chunkings are made of: 0 makes an empty piece.
_SIZES = (0, 1, 1, 1, 2, 3, 5, 8, 64, 1460)


def seeded_chunks(data: _Cut, seed: bytes) -> list[_Cut]:
    """Cut *data* (bytes or text) into pieces whose sizes *seed* chooses."""
    rng = random.Random(seed)
    chunks = []
    position = 0
    while position < len(data):
        size = rng.choice(_SIZES)
        chunks.append(data[position : position + size])
        position += size
    if rng.random() < 0.5:
        chunks.append(data[:0])
    return chunks


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


def run_atheris(target: Callable[[bytes], None]) -> None:
    """Fuzz *target* under atheris, with sseparse instrumented for coverage."""
    try:
        atheris = importlib.import_module("atheris")  # untyped
    except ImportError:
        sys.exit("atheris is not installed: pip install atheris")
    instrument_sseparse(atheris)
    atheris.Setup(sys.argv, target)
    atheris.Fuzz()
