"""`ungcuu service install`: UngCuu starts by itself when the machine comes back on."""

from __future__ import annotations

import io
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ungcuu.core import service


def run(*args) -> str:
    out = io.StringIO()
    call_command("service", *args, stdout=out)
    return out.getvalue()


def test_print_shows_a_systemd_unit_that_restarts_and_starts_at_boot(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "du lieu"
    out = run("install", "--print", "--platform", "linux", "--user", "ungcuu")
    assert "# /etc/systemd/system/ungcuu.service" in out
    assert f'ExecStart="{sys.executable}" -m ungcuu serve' in out
    assert f'Environment="UNGCUU_DATA_DIR={tmp_path / "du lieu"}"' in out
    assert "Restart=always" in out and "WantedBy=multi-user.target" in out
    assert "User=ungcuu" in out
    assert "systemctl enable --now ungcuu.service" in out
    assert not (tmp_path / "du lieu").exists()  # --print writes nothing


def test_passwords_stay_out_of_the_unit(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://ungcuu:bi-mat@db/ungcuu")
    out = run("install", "--print", "--platform", "linux")
    assert "bi-mat" not in out
    assert "EnvironmentFile=-/etc/ungcuu/ungcuu.env" in out


def test_print_shows_the_windows_task_at_start_up(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    out = run("install", "--print", "--platform", "windows")
    assert "schtasks /Create /TN UngCuu" in out
    assert "/SC ONSTART" in out and "/RU SYSTEM" in out
    assert f'set "UNGCUU_DATA_DIR={tmp_path}"' in out
    assert "-m ungcuu serve" in out


def test_install_into_another_folder_writes_the_unit_without_enabling_it(tmp_path):
    out = run("install", "--platform", "linux", "--target", str(tmp_path))
    unit = (tmp_path / "ungcuu.service").read_text(encoding="utf-8")
    assert "[Install]" in unit and "-m ungcuu serve" in unit
    assert "Chưa bật dịch vụ" in out
    run("uninstall", "--platform", "linux", "--target", str(tmp_path))
    assert not (tmp_path / "ungcuu.service").exists()


def test_install_runs_the_commands_and_reports_a_failure(tmp_path):
    plan = service.install_plan(platform="windows", target=tmp_path)
    calls = []

    class Done:
        def __init__(self, code, text):
            self.returncode, self.stdout, self.stderr = code, text, ""

    def ok(command, **kwargs):
        calls.append(command)
        return Done(0, "SUCCESS: The scheduled task was created.")

    assert service.install(plan, run=ok) == ["SUCCESS: The scheduled task was created."]
    assert calls[0][:4] == ["schtasks", "/Create", "/TN", "UngCuu"]
    assert (tmp_path / "ungcuu-service.cmd").exists()
    with pytest.raises(Exception, match="Access is denied"):
        service.install(plan, run=lambda command, **kw: Done(1, "ERROR: Access is denied."))


def test_enabling_without_root_or_systemd_is_refused_before_anything_is_written(monkeypatch):
    monkeypatch.setattr(service, "current_platform", lambda: "linux")
    monkeypatch.setattr(service.os, "geteuid", lambda: 1000)
    with pytest.raises(CommandError, match="systemd|root"):
        run("install", "--platform", "linux")
