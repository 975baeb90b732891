"""The benchmarks still run (at a tiny size, timing nothing): a benchmark that rots is only
found out the day someone needs its figures. The figures themselves are never asserted."""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.mark.parametrize(
    "arguments",
    [
        ["dashboard.py", "--small", "5", "--large", "20", "--runs", "2"],
        ["search.py", "--size", "60", "--queries", "10"],
        ["load.py", "--tiny"],
    ],
    ids=["dashboard", "search", "load"],
)
def test_benchmark_runs_and_prints_its_ratio(arguments, tmp_path):
    if arguments[0] in ("search.py", "load.py"):
        arguments = [*arguments, "--workdir", str(tmp_path)]
    result = subprocess.run(
        [sys.executable, str(BENCH / arguments[0]), *arguments[1:]],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "ratio" in result.stdout.lower()
