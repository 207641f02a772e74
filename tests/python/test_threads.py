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
    """Each call's span, from its first progress report (its run is under
    way; a timestamp taken before the call could precede a call that then
    waits for the GIL) to its return, overlaps the other's: with the GIL
    held through training, one run would start only after the other ended."""
    X, y = big_data()
    spans = {}
    barrier = threading.Barrier(2)

    def one(i):
        reports = []
        barrier.wait()
        lrfind.find(X, y, progress=lambda fraction, stage: reports.append(time.monotonic()), **OPTIONS)
        spans[i] = (reports[0], time.monotonic())

    threads = [threading.Thread(target=one, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert max(spans[0][0], spans[1][0]) < min(spans[0][1], spans[1][1]), spans


def test_other_python_threads_run_while_lrfind_trains():
    """A thread that ticks every millisecond keeps ticking during a run
    without a progress callback: the waiting thread holds no GIL."""
    X, y = big_data()
    ticks = []
    done = threading.Event()

    def tick():
        while not done.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.001)

    ticker = threading.Thread(target=tick)
    ticker.start()
    time.sleep(0.01)
    begun = time.monotonic()
    lrfind.find(X, y, **OPTIONS)
    ended = time.monotonic()
    done.set()
    ticker.join()
    assert len([t for t in ticks if begun < t < ended]) >= 20


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


def test_progress_true_draws_a_tqdm_bar_to_100_percent(capsys):
    X, y = big_data(rows=2000)
    report = lrfind.find(X, y, model="linear", method="grid", rates=[1e-3, 1e-2], epochs=3, progress=True)
    assert report["recommended_lr"] is not None
    err = capsys.readouterr().err
    assert "done: 100%|" in err, err  # the last stage, then the percentage


def test_progress_true_without_tqdm_warns_and_runs(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # import tqdm.auto now fails
    X, y = big_data(rows=500)
    with pytest.warns(UserWarning, match="tqdm is not installed") as caught:
        report = lrfind.find(X, y, model="linear", method="range", steps=20, progress=True)
    assert report["range_test"]["steps_run"] > 0
    assert [w.filename for w in caught] == [__file__]
