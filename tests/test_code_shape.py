"""The package stays readable: no function in askiraq/ longer than about fifty lines."""

import ast
from pathlib import Path

from conftest import PROJECT

MAX_FUNCTION_LINES = 50


def test_no_function_is_longer_than_fifty_lines() -> None:
    long = []
    for path in sorted((PROJECT / "askiraq").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{Path(path).name}:{node.lineno} {node.name} ({length} lines)")
    assert not long, long
