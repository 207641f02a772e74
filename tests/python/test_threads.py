"""The GIL is released while lr-find trains: two runs in two threads overlap;
Ctrl-C (or an exception in the progress callback) stops a run."""

import os
import signal
import threading
import time

import numpy as np
import pytest

import lrfind


def big_data(rows=100000, features=20, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, features))
    return X, X @ rng.normal(size=features) + rng.normal(size=rows)


# About a second of training, reporting progress some twenty times.
OPTIONS = dict(model="linear", method="grid", rates=[1e-4, 1e-3, 1e-2], epochs=40, threads=1)


def test_two_finds_in_two_threads_overlap():
    """Each thread records when its run reports progress (on its own calling
    thread, with the GIL); with the GIL held through training the second
    run's reports would all come after the first's."""
    X, y = big_data()
    seen = {0: [], 1: []}
    barrier = threading.Barrier(2)

    def one(i):
        barrier.wait()
        lrfind.find(X, y, progress=lambda fraction, stage: seen[i].append(time.monotonic()), **OPTIONS)

    threads = [threading.Thread(target=one, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen[0]) >= 3 and len(seen[1]) >= 3, seen
    first = max(seen[0][0], seen[1][0])
    last = min(seen[0][-1], seen[1][-1])
    assert first < last, "the two runs' progress intervals do not overlap"


def test_ctrl_c_stops_the_run_and_raises_keyboard_interrupt_with_the_partial_report():
    X, y = big_data()
    started = threading.Event()
    sender = threading.Thread(target=lambda: started.wait() and os.kill(os.getpid(), signal.SIGINT))
    sender.start()

    def progress(fraction, stage):
        if fraction > 0.2:
            started.set()

    begun = time.monotonic()
    with pytest.raises(KeyboardInterrupt) as caught:
        lrfind.find(X, y, progress=progress, **dict(OPTIONS, epochs=400))
    sender.join()
    assert caught.value.report["interrupted"] is True
    assert time.monotonic() - begun < 60


def test_an_exception_in_the_progress_callback_stops_the_run():
    X, y = big_data()
    calls = []

    def progress(fraction, stage):
        calls.append(fraction)
        if fraction > 0.1:  # training is under way: a partial report exists
            raise RuntimeError("enough")

    with pytest.raises(RuntimeError, match="enough") as caught:
        lrfind.find(X, y, progress=progress, **dict(OPTIONS, epochs=400))
    assert calls[-1] > 0.1 and calls[-1] < 0.5  # stopped at once, not called again, not run to the end
    assert caught.value.report["interrupted"] is True
