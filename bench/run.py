"""``make bench``: build the city-scale demo, then time scoped subtree queries on it.

PostgreSQL is included when DATABASE_URL names a PostgreSQL server (the benchmarks use
their own database ``<name>_bench`` there). Figures and method: docs/benchmarks.md.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    for script in ("demo_city.py", "scoped_queries.py"):
        subprocess.run([sys.executable, str(HERE / script), *sys.argv[1:]], check=True)
