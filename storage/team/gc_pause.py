"""Reading many small acyclic tuples without the cyclic garbage collector rescanning them."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic collector for a block, then put it back as found.

    Agreement over a corpus reads about a million small tuples, the curation view a big article's
    30,000 spans, none of them in a reference cycle: the collector would only rescan them, over
    and over (a fifth to a third of the CPU time). Reference counting still frees them.

    What the block leaves alive is then filed with the oldest objects (``gc.freeze`` and
    ``unfreeze`` move every tracked object there, which also resets the young count): switched back
    on, the collector would otherwise start with a young collection of all of it, and promote it
    through the middle generation later (~15 ms each for a big article's places, the second one
    in whatever the user does next). Whatever is garbage among them is still found by the next
    full collection. (Nothing here freezes anything for good: the oldest generation is ordinary.)
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            if not gc.get_freeze_count():  # nobody froze objects on purpose: unfreeze would thaw them
                gc.freeze()
                gc.unfreeze()
            gc.enable()
