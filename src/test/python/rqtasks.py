"""Job functions for the tests' real RQ workers (importable by RQ 1.13 and 2.x)."""
import os
import time


def sleeper(seconds):
    time.sleep(float(seconds))
    return 'slept'


def sleep_once(marker, seconds):
    """Sleeps on the first run only; a retried or requeued run finishes at once."""
    if os.path.exists(marker):
        return 'second run'
    with open(marker, 'w') as f:
        f.write('started')
    time.sleep(float(seconds))
    return 'first run'


def quick():
    return 'done'


def boom():
    raise ValueError('boom')


def on_fail(job, connection, type, value, traceback):
    pass
