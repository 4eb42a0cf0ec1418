"""The app served as production serves it, for the bench: gunicorn, sync workers, debug off.

The same command line as ``bin/start`` (``gunicorn config.wsgi --workers 2 --no-control-socket``,
an access log), the settings it uses (``config.settings.local``, ``DJANGO_DEBUG=0``) through
``bench.settings``, which adds only the baseline page (``JUECE_BENCH_BASELINE``) and its URL.
The API's request rate per user is lifted (``JUECE_API_USER_RATE=``): the bench measures how many
requests the app can serve, which a rate of 600 a minute per user would cap.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).absolute().parent.parent


class Server:
    def __init__(self, *, database_url: str, port: int = 8713, workers: int = 2,
                 nice: int = 0):
        self.database_url, self.port, self.workers, self.nice = database_url, port, workers, nice
        self.process: subprocess.Popen | None = None
        self.log = None
        self.info: dict = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> str:
        if self.process is not None:
            return self.url
        env = {**os.environ, "DATABASE_URL": self.database_url,
               "DJANGO_SETTINGS_MODULE": "bench.settings", "DJANGO_DEBUG": "0",
               "JUECE_BENCH_BASELINE": "1", "JUECE_API_USER_RATE": "",
               "PYTHONPATH": str(ROOT)}
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (kept open for gunicorn)
            prefix="bench-gunicorn-", suffix=".log", delete=False)
        command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind",
                   f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                   "--access-logfile", self.log.name + ".access", "--no-control-socket"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        self.info = {"server": " ".join(command[1:]), "workers": self.workers,
                     "settings": "bench.settings (config.settings.local, debug off)"}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: see {self.log.name}")
            try:
                with urllib.request.urlopen(self.url + "/accounts/login/", timeout=5) as answer:
                    if answer.status == 200:
                        return self.url
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within a minute: see {self.log.name}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
