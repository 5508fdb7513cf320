"""``manage.py demo_serve``: the web server, a Celery worker and Celery beat, as one foreground program.

Each child's output is prefixed with its name.  Ctrl-C (or SIGTERM) stops all three; if
any child dies on its own, the others are stopped and the command exits non-zero.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.utils.translation import gettext as _

from shequ.demo.builder import print_accounts

COLOURS = {"web": "\033[36m", "worker": "\033[33m", "beat": "\033[35m"}
RESET = "\033[0m"


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Ask Linux to send SIGTERM to the child if this process dies without cleaning up."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


@dataclass
class Child:
    name: str
    argv: list[str]
    proc: subprocess.Popen[str] | None = None
    reader: threading.Thread | None = None
    lines: list[str] = field(default_factory=list)


class Command(BaseCommand):
    help = "启动演示：网页服务、后台任务进程（Celery worker）和定时调度（Celery beat）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--wait", type=float, default=90.0, help="等待 /healthz 应答的最长秒数")

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        base_url = f"http://{host}:{port}"
        self._lock = threading.Lock()
        self._colour = sys.stdout.isatty()
        self._stop = threading.Event()
        base_dir = Path(settings.BASE_DIR)
        var_dir = Path(settings.VAR_DIR)
        python = sys.executable
        children = [
            Child("web", [python, str(base_dir / "manage.py"), "runserver", f"{host}:{port}", "--noreload"]),
            Child(
                "worker",
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--pool=solo",
                    "--concurrency=1",
                    "--loglevel=INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--hostname=shequ-demo@%h",
                ],
            ),
            Child(
                "beat",
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "beat",
                    "--loglevel=INFO",
                    f"--schedule={var_dir / 'celerybeat-schedule'}",
                ],
            ),
        ]
        env = dict(os.environ)
        env["PYTHONUNBUFFERED"] = "1"
        env.setdefault("DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE)
        env["SHEQU_VAR_DIR"] = str(var_dir)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(base_dir), str(base_dir / "src"), env.get("PYTHONPATH", "")) if p
        )

        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        for sig in previous:
            signal.signal(sig, lambda *_a: self._stop.set())
        connections.close_all()
        failure = ""
        try:
            for child in children:
                child.proc = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
                    child.argv,
                    cwd=base_dir,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    bufsize=1,
                    start_new_session=True,
                    preexec_fn=_die_with_parent,
                )
                child.reader = threading.Thread(target=self._pump, args=(child,), daemon=True)
                child.reader.start()
            failure = self._supervise(children, base_url, options["wait"])
        finally:
            self._stop_all(children)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if failure:
            raise CommandError(failure)
        self._say(_("演示已停止。"))

    # -- output
    def _say(self, text: str) -> None:
        with self._lock:
            self.stdout.write(text)
            self.stdout.flush()

    def _pump(self, child: Child) -> None:
        assert child.proc is not None
        assert child.proc.stdout is not None
        stream: IO[str] = child.proc.stdout
        prefix = f"{child.name:<6} | "
        if self._colour:
            prefix = f"{COLOURS.get(child.name, '')}{prefix}{RESET}"
        for line in stream:
            with self._lock:
                sys.stdout.write(prefix + line.rstrip("\n") + "\n")
                sys.stdout.flush()

    # -- supervision
    def _supervise(self, children: list[Child], base_url: str, wait: float) -> str:
        started = time.monotonic()
        ready = False
        jobs_ok = False
        next_probe = 0.0
        while not self._stop.is_set():
            for child in children:
                assert child.proc is not None
                code = child.proc.poll()
                if code is not None:
                    return _("子进程 %(name)s 已退出（返回码 %(code)s），演示已停止。") % {
                        "name": child.name,
                        "code": code,
                    }
            now = time.monotonic()
            if now >= next_probe and not jobs_ok:
                health = _probe(f"{base_url}/healthz")
                if health is not None and not ready:
                    ready = True
                    self._announce(base_url)
                if health is not None and health.get("jobs", {}).get("ok"):
                    jobs_ok = True
                    jobs = health["jobs"]
                    self._say(
                        _("后台任务正常：心跳 %(at)s（第 %(n)s 次）。")
                        % {"at": jobs.get("heartbeat_at"), "n": jobs.get("count")}
                    )
                next_probe = now + (1.0 if not ready else 5.0)
            if not ready and now - started > wait:
                return _("%(s)s 秒内 /healthz 没有应答，演示已停止。") % {"s": int(wait)}
            self._stop.wait(0.3)
        return ""

    def _announce(self, base_url: str) -> None:
        self._say("")
        self._say(_("演示已启动：%(url)s/ （工作人员登录：%(url)s/accounts/login/）") % {"url": base_url})
        self._say(_("健康检查：%(url)s/healthz；按 Ctrl-C 停止。") % {"url": base_url})
        with self._lock:
            print_accounts(self.stdout.write)
        connections.close_all()
        self._say(_("居民登录的短信验证码会显示在本窗口（[短信 SMS] 行）。"))
        self._say("")

    def _stop_all(self, children: list[Child]) -> None:
        running = [c for c in children if c.proc is not None and c.proc.poll() is None]
        for child in running:
            assert child.proc is not None
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in running:
            assert child.proc is not None
            try:
                child.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.proc.pid, signal.SIGKILL)
                child.proc.wait()
        for child in children:
            if child.reader is not None:
                child.reader.join(timeout=2)


def _probe(url: str) -> dict[str, Any] | None:
    """The health document, or None while the server does not answer."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local http URL
            return dict(json.loads(response.read().decode()))
    except urllib.error.HTTPError as exc:
        try:
            return dict(json.loads(exc.read().decode()))
        except ValueError:
            return {}
    except (OSError, ValueError):
        return None
