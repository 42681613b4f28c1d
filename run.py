#!/usr/bin/env python3
"""Set up and run UngCuu on a fresh machine; the two commands of the README.

    python3 run.py          install, build the demo database, serve it
    python3 run.py test     install, then lint and run every test
                            (SQLite with the browser tests, and PostgreSQL
                            beside it)

Both are idempotent: a second run reuses the virtual environment and the data.
Only the Python standard library is used here, so it runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
WINDOWS = os.name == "nt"
BIN = VENV / ("Scripts" if WINDOWS else "bin")
PYTHON = BIN / ("python.exe" if WINDOWS else "python")
CONSTRAINTS = ROOT / "constraints.txt"
STAMP = VENV / ".ungcuu-installed"
CHROMIUM = Path("/usr/bin/chromium")
BROWSER_TOOLS = ROOT / "tests" / "browser"  # package.json + package-lock.json: axe-core
AXE = BROWSER_TOOLS / "node_modules" / "axe-core" / "axe.min.js"
PG_URL_DEFAULT = "postgres://postgres@127.0.0.1:5432/ungcuu"


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def run(*args: str | Path, env: dict | None = None, check: bool = True) -> int:
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env=env)
    if check and result.returncode != 0:
        sys.exit(result.returncode)
    return result.returncode


def install(extras: str) -> None:
    """Create .venv and install the locked dependencies, once per lock file."""
    if sys.version_info < (3, 11):  # noqa: UP036  (run.py runs on any python3 first)
        sys.exit("UngCuu cần Python 3.11 trở lên (UngCuu needs Python 3.11+).")
    if not PYTHON.exists():
        say("Tạo môi trường ảo .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    fingerprint = hashlib.sha256(
        CONSTRAINTS.read_bytes() + (ROOT / "pyproject.toml").read_bytes() + extras.encode()
    ).hexdigest()
    if STAMP.exists() and STAMP.read_text() == fingerprint:
        return
    say("Cài đặt các gói phụ thuộc (phiên bản khóa trong constraints.txt)")
    target = f".[{extras}]" if extras else "."
    run(
        PYTHON,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "-c",
        CONSTRAINTS,
        "-e",
        target,
    )
    STAMP.write_text(fingerprint)


def ungcuu(*args: str, env: dict | None = None) -> None:
    run(PYTHON, "-m", "ungcuu", *args, env=env)


def serve() -> None:
    install("")
    env = dict(os.environ)
    env.setdefault("UNGCUU_DATA_DIR", str(ROOT / "data"))
    say("Chuẩn bị cơ sở dữ liệu trình diễn")
    ungcuu("demo", env=env)
    say("Khởi động máy chủ")
    args = [str(PYTHON), "-m", "ungcuu", "serve", *sys.argv[2:]]
    if WINDOWS:
        sys.exit(subprocess.call(args, cwd=ROOT, env=env))
    os.execve(str(PYTHON), args, env)


def _postgres_reachable(url: str) -> bool:
    host_port = url.split("@", 1)[-1].split("/", 1)[0]
    host, _, port = host_port.partition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port or 5432)), timeout=2):
            return True
    except OSError:
        return False


def _start_postgres() -> None:
    """Start a local PostgreSQL cluster that is installed but stopped (Debian layout)."""
    versions = Path("/etc/postgresql")
    if shutil.which("pg_ctlcluster") and versions.is_dir():
        for version in sorted(p.name for p in versions.iterdir()):
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
                check=False,
            )


def _ensure_chromium() -> bool:
    """Debian's Chromium drives the browser tests; install it when we can."""
    if CHROMIUM.exists():
        return True
    if WINDOWS or not shutil.which("apt-get") or os.geteuid() != 0:
        return False
    say("Cài Chromium của Debian cho các kiểm thử trình duyệt")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"],
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    return CHROMIUM.exists()


def _ensure_axe() -> bool:
    """axe-core (npm, pinned in tests/browser/package-lock.json) checks every page's
    accessibility in the browser tests; installed beside them, never served by the app."""
    if AXE.exists():
        return True
    if not shutil.which("npm") and not WINDOWS and shutil.which("apt-get") and os.geteuid() == 0:
        say("Cài npm của Debian cho kiểm tra trợ năng (axe-core)")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "npm"],
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
        )
    npm = shutil.which("npm")
    if npm is None:
        return False
    say("Cài axe-core (phiên bản khóa trong tests/browser/package-lock.json)")
    subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
        cwd=BROWSER_TOOLS,
        check=False,
    )
    return AXE.exists()


def test() -> None:
    sqlite_only = "--sqlite-only" in sys.argv
    install("test")
    browser = _ensure_chromium()
    if browser and not _ensure_axe():
        say("Không cài được axe-core (npm): thiếu kiểm tra trợ năng trong kiểm thử trình duyệt")
    say("Kiểm tra định dạng và lint (ruff)")
    run(BIN / "ruff", "format", "--check", ".")
    run(BIN / "ruff", "check", ".")

    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    base["UNGCUU_BROWSER"] = "1" if browser else "0"
    pytest = [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    failed = False
    with tempfile.TemporaryDirectory(prefix="ungcuu-test-") as data_dir:
        postgres = None
        if sqlite_only:
            say("Bỏ qua PostgreSQL (--sqlite-only)")
        else:
            url = os.environ.get("UNGCUU_TEST_DATABASE_URL", PG_URL_DEFAULT)
            if not _postgres_reachable(url):
                _start_postgres()
            if not _postgres_reachable(url):
                sys.exit(
                    f"Không kết nối được PostgreSQL ({url}). Đặt UNGCUU_TEST_DATABASE_URL "
                    "hoặc chạy: python3 run.py test --sqlite-only"
                )
            # The two engines' runs share nothing (data dir, database), so they run side
            # by side, one per core; PostgreSQL's output is shown once it is done.
            say("Chạy kiểm thử trên PostgreSQL (song song, kết quả in sau)")
            env = dict(base, UNGCUU_DATA_DIR=str(Path(data_dir) / "pg"), DATABASE_URL=url)
            log_path = Path(data_dir) / "postgresql.log"
            log = log_path.open("w", encoding="utf-8")
            # The browser tests exercise pages, not the engine: SQLite covers them.
            postgres = subprocess.Popen(
                [str(a) for a in (*pytest, "-m", "not browser")],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

        say("Chạy kiểm thử trên SQLite")
        env = dict(base, UNGCUU_DATA_DIR=str(Path(data_dir) / "sqlite"))
        failed |= run(*pytest, env=env, check=False) != 0

        if postgres is not None:
            failed |= postgres.wait() != 0
            log.close()
            say("Kết quả kiểm thử trên PostgreSQL")
            print(log_path.read_text(encoding="utf-8"), end="", flush=True)
    if failed:
        sys.exit(1)
    say("Tất cả kiểm thử đều đạt")


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else "serve"
    if command == "test":
        test()
    elif command == "serve":
        serve()
    elif command == "install":
        install("test")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
