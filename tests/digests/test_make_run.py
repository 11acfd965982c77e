"""`make run PORT=…` serves on that port, and the links in the e-mails it sends follow it."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_make_run_serves_on_the_port_given_and_links_follow_it(tmp_path):
    """The recipe as `make run PORT=5101` runs it, with a stand-in for flask that reports the
    address e-mail links get (BASE_URL as the configuration reads it) and its arguments."""
    stand_in = tmp_path / "flask.py"
    stand_in.write_text(f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nimport config\n"
                        "print(config.Config.BASE_URL)\nprint(' '.join(sys.argv[1:]))\n")
    env = {k: v for k, v in os.environ.items() if k not in ("BASE_URL", "PORT")}

    def make_run(*args, **extra_env):
        result = subprocess.run(
            ["make", "--no-print-directory", "-s", "-o", "db", "run",
             f"FLASK={sys.executable} {stand_in}", *args],
            cwd=ROOT, env={**env, **extra_env}, capture_output=True, text=True, check=True)
        return result.stdout.splitlines()

    base_url, command = make_run("PORT=5101")
    assert base_url == "http://127.0.0.1:5101"
    assert command.startswith("run") and "--port 5101" in command
    assert make_run() == ["http://127.0.0.1:5000", "run --host 127.0.0.1 --port 5000 --debug"]
    assert make_run("PORT=5101", BASE_URL="https://samspil.example")[0] == (
        "https://samspil.example")
