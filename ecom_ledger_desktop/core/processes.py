"""Who holds a lock: a process id plus the time that process started.

A process id alone is not an identity: after a sync is killed, the operating system hands its id
to some other program, and a lock naming that id would look held for ever. The start time tells
the two apart. Standard library only: ``/proc`` on Linux, ``GetProcessTimes`` on Windows and
``ps`` elsewhere (macOS, the BSDs); where none answers, a live id counts as the holder (the old,
cautious behaviour).
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path


def pid_alive(pid: int) -> bool:
    """Whether some process has id ``pid`` (whoever it is)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return _windows_start(pid) is not None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


@functools.cache
def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def _linux_start(pid: int) -> str | None:
    """Start time in clock ticks since boot (field 22 of ``/proc/<pid>/stat``), with the boot id;
    None for a missing process or a zombie (killed, not yet reaped: it holds nothing)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()  # the command name may contain spaces
    if len(fields) < 20 or fields[0] in ("Z", "X"):
        return None
    return f"linux:{_boot_id()}:{fields[19]}"


def _windows_start(pid: int) -> str | None:  # pragma: no cover - Windows only
    if sys.platform != "win32":
        return None
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.windll.kernel32
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return None
    try:
        times = [wintypes.FILETIME() for _ in range(4)]
        exit_code = wintypes.DWORD()
        if kernel32.GetExitCodeProcess(handle, ctypes.byref(exit_code)) and \
                exit_code.value != 259:  # STILL_ACTIVE
            return None
        if not kernel32.GetProcessTimes(handle, *(ctypes.byref(t) for t in times)):
            return None
        created = times[0]
        return f"win:{(created.dwHighDateTime << 32) | created.dwLowDateTime}"
    finally:
        kernel32.CloseHandle(handle)


def _ps_start(pid: int) -> str | None:  # pragma: no cover - macOS and the BSDs
    try:
        out = subprocess.run(["ps", "-o", "lstart=", "-p", str(pid)], capture_output=True,
                             text=True, timeout=5, check=False,
                             env={**os.environ, "LC_ALL": "C", "TZ": "UTC"})
    except (OSError, subprocess.SubprocessError):
        return None
    text = " ".join(out.stdout.split())
    return f"ps:{text}" if out.returncode == 0 and text else None


def _linux_started_at(pid: int) -> datetime | None:
    """When ``pid`` started, as a wall-clock time (boot time plus its start ticks)."""
    stamp = _linux_start(pid)
    if stamp is None:
        return None
    try:
        boot = next(int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                    if line.startswith("btime "))
        ticks = int(stamp.rsplit(":", 1)[1])
        return datetime.fromtimestamp(boot + ticks / os.sysconf("SC_CLK_TCK"), UTC)
    except (OSError, StopIteration, ValueError):
        return None


def process_start(pid: int) -> str | None:
    """An opaque stamp of when process ``pid`` started; None if it is gone or cannot be told."""
    if sys.platform.startswith("linux"):
        return _linux_start(pid)
    if sys.platform == "win32":
        return _windows_start(pid)
    return _ps_start(pid)


def own_start() -> str | None:
    """This process's start stamp (kept per process id: a forked child has its own)."""
    return _start_of_own(os.getpid())


@functools.cache
def _start_of_own(pid: int) -> str | None:
    return process_start(pid)


def holder_running(pid: int, started: str | None, since: datetime | None = None) -> bool:
    """Whether the process recorded as ``pid`` started at ``started`` still runs.

    A different start time means the id now belongs to another program: the holder is gone.
    A row from an older version has no stamp: then a process that started after ``since`` (when
    the row was written) cannot have written it. Where neither can be told, a live id counts.
    """
    if not pid_alive(pid):
        return False
    if sys.platform.startswith("linux") and _linux_start(pid) is None:
        return False  # a zombie
    if not started:
        if since is not None and sys.platform.startswith("linux"):
            began = _linux_started_at(pid)
            return began is None or began <= since + timedelta(seconds=1)
        return True
    now = process_start(pid)
    return now is None or now == started
