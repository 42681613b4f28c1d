"""UngCuu as a service of the machine: it starts by itself after a power cut.

Linux: a systemd unit (``ungcuu.service``) enabled at boot, restarted when it stops.
Windows: a scheduled task run at start-up as SYSTEM, through a small ``.cmd`` file that
sets the data folder and keeps a log."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from ungcuu.core.errors import ServiceError

UNIT_NAME = "ungcuu.service"
SYSTEMD_DIR = Path("/etc/systemd/system")
TASK_NAME = "UngCuu"
# Settings read from the environment that the service must see as the installer did.
CARRIED = (
    "UNGCUU_DATA_DIR",
    "UNGCUU_BASE_URL",
    "UNGCUU_HOST",
    "UNGCUU_PORT",
    "UNGCUU_BACKUP_DIR",
    "UNGCUU_BACKUP_TIME",
)
# Passwords (DATABASE_URL, REDIS_URL, mail…) stay out of the unit, which anyone may read:
# they go in the EnvironmentFile, readable by root only.
ENV_FILE = "/etc/ungcuu/ungcuu.env"


@dataclass
class Plan:
    """What installing writes and runs: shown as is by --print."""

    files: dict[Path, str]
    commands: list[list[str]]

    def describe(self) -> str:
        parts = []
        for path, text in self.files.items():
            parts.append(f"# {path}\n{text}")
        if self.commands:
            parts.append("# " + "\n# ".join(_shown(c) for c in self.commands))
        return "\n".join(parts)


def _shown(command: list[str]) -> str:
    if command and command[0].lower() == "schtasks":
        return subprocess.list2cmdline(command)
    return shlex.join(command)


def _environment() -> dict[str, str]:
    env = {"UNGCUU_DATA_DIR": str(settings.DATA_DIR)}
    for name in CARRIED:
        value = os.environ.get(name)
        if value and name != "UNGCUU_DATA_DIR":
            env[name] = value
    return env


def _systemd_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def systemd_unit(*, user: str | None, python: str, workdir: Path) -> str:
    env_lines = "\n".join(
        f"Environment={_systemd_quote(f'{key}={value}')}" for key, value in _environment().items()
    )
    user_line = f"User={user}\n" if user else ""
    return f"""[Unit]
Description=UngCuu – ứng cứu sự cố Trung tâm Phục vụ hành chính công
Documentation=file://{workdir}/README.md
Wants=network-online.target
After=network-online.target postgresql.service redis-server.service

[Service]
Type=simple
{user_line}WorkingDirectory={workdir}
{env_lines}
# DATABASE_URL và các mật khẩu khác: ghi vào {ENV_FILE} (chmod 600), không ghi ở đây.
EnvironmentFile=-{ENV_FILE}
ExecStart={_systemd_quote(python)} -m ungcuu serve
Restart=always
RestartSec=5
TimeoutStopSec=30
KillSignal=SIGTERM

[Install]
WantedBy=multi-user.target
"""


def windows_script(*, python: str, workdir: Path) -> str:
    lines = ["@echo off", "rem UngCuu: chạy khi máy khởi động (Task Scheduler)", "chcp 65001 >nul"]
    lines += [f'set "{key}={value}"' for key, value in _environment().items()]
    log = Path(settings.DATA_DIR) / "ungcuu-service.log"
    lines += [f'cd /d "{workdir}"', f'"{python}" -m ungcuu serve >> "{log}" 2>&1', ""]
    return "\r\n".join(lines)


def install_plan(
    *,
    platform: str,
    target: Path | None = None,
    user: str | None = None,
    enable: bool = True,
) -> Plan:
    python = sys.executable
    workdir = Path.cwd()
    if platform == "linux":
        directory = target or SYSTEMD_DIR
        unit = directory / UNIT_NAME
        commands = []
        if enable and directory == SYSTEMD_DIR:
            commands = [
                ["systemctl", "daemon-reload"],
                ["systemctl", "enable", "--now", UNIT_NAME],
            ]
        return Plan({unit: systemd_unit(user=user, python=python, workdir=workdir)}, commands)
    if platform == "windows":
        directory = target or Path(settings.DATA_DIR)
        script = directory / "ungcuu-service.cmd"
        command = [
            "schtasks",
            "/Create",
            "/TN",
            TASK_NAME,
            "/TR",
            f'"{script}"',
            "/SC",
            "ONSTART",
            "/DELAY",
            "0000:30",
            "/RU",
            "SYSTEM",
            "/RL",
            "HIGHEST",
            "/F",
        ]
        return Plan(
            {script: windows_script(python=python, workdir=workdir)}, [command] if enable else []
        )
    raise ServiceError(f"Không hỗ trợ hệ điều hành “{platform}” (linux hoặc windows).")


def current_platform() -> str:
    if sys.platform.startswith("linux"):
        return "linux"
    if sys.platform.startswith("win"):
        return "windows"
    return sys.platform


def check_can_install(platform: str, plan: Plan) -> None:
    """Refuse early, in Vietnamese, what would fail half-way."""
    if not plan.commands:
        return
    if platform == "linux":
        if not (Path("/run/systemd/system").is_dir() and shutil.which("systemctl")):
            raise ServiceError("Máy này không chạy systemd: dùng --print và cài theo cách khác.")
        if os.geteuid() != 0:
            raise ServiceError("Cần quyền root: chạy lại bằng sudo (hoặc dùng --print để xem).")
    if platform == "windows" and not shutil.which("schtasks"):
        raise ServiceError("Không tìm thấy lệnh schtasks của Windows.")


def install(plan: Plan, run=subprocess.run) -> list[str]:
    """Write the files, run the commands; returns what each command answered."""
    answers = []
    for path, text in plan.files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    for command in plan.commands:
        done = run(command, capture_output=True, text=True)
        answer = (done.stdout or "") + (done.stderr or "")
        if done.returncode != 0:
            raise ServiceError(f"Lệnh “{_shown(command)}” lỗi: {answer.strip()[:300]}")
        answers.append(answer.strip())
    return answers


def uninstall_plan(
    *, platform: str, target: Path | None = None
) -> tuple[list[Path], list[list[str]]]:
    if platform == "linux":
        directory = target or SYSTEMD_DIR
        commands = (
            [["systemctl", "disable", "--now", UNIT_NAME], ["systemctl", "daemon-reload"]]
            if directory == SYSTEMD_DIR
            else []
        )
        return [directory / UNIT_NAME], commands
    if platform == "windows":
        directory = target or Path(settings.DATA_DIR)
        return [directory / "ungcuu-service.cmd"], [["schtasks", "/Delete", "/TN", TASK_NAME, "/F"]]
    raise ServiceError(f"Không hỗ trợ hệ điều hành “{platform}” (linux hoặc windows).")
