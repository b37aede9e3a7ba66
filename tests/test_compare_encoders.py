"""scripts/compare_encoders.py needs packages askiraq does not (onnxruntime, onnx): without them it says so."""

import subprocess
import sys

from conftest import PROJECT

SCRIPT = PROJECT / "scripts" / "compare_encoders.py"


def test_without_onnxruntime_it_names_what_to_install_and_exits() -> None:
    blocked = ("import runpy, sys; sys.modules['onnxruntime'] = None; sys.argv = [sys.argv[1]]; "
               "runpy.run_path(sys.argv[0], run_name='__main__')")
    done = subprocess.run([sys.executable, "-c", blocked, str(SCRIPT)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stdout == ""
    assert "not installed: onnxruntime" in done.stderr
    assert "not dependencies of askiraq" in done.stderr and "pip install onnxruntime onnx" in done.stderr
