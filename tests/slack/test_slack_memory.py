"""`bot.slack.memory`: free memory is handed back on a timer, here and through `also` (the render processes),
and the timer stops by itself once the render pool is shut down."""

from __future__ import annotations

import os
import time

from bot.slack.memory import release_free_memory, start_trimming


def test_release_free_memory_runs_here_and_says_which_process_did() -> None:
    assert release_free_memory() == os.getpid()


def test_the_trimming_timer_calls_also_until_it_is_stopped() -> None:
    calls: list[float] = []
    thread, stop = start_trimming(also=lambda: calls.append(time.monotonic()), every_s=0.01)
    deadline = time.monotonic() + 10
    while len(calls) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    thread.join(timeout=5)
    assert len(calls) >= 3 and not thread.is_alive()


def test_the_trimming_timer_stops_by_itself_once_the_render_pool_is_shut_down() -> None:
    def shut_down_pool() -> None:
        raise RuntimeError("cannot schedule new futures after shutdown")

    thread, _stop = start_trimming(also=shut_down_pool, every_s=0.01)
    thread.join(timeout=5)
    assert not thread.is_alive()
