"""bench/RESULTS.md holds two measured parts, each written by its own command, and words kept by hand.

`python3 bench/run.py --write-results` writes the wall-clock part (wrk, requests/s and latency) and
`python3 bench/run.py --instructions --write-results` the instruction-count part. Each replaces only what
lies between its own two markers; everything outside them (the reading of the numbers) is left as it is.
"""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
TITLE = "# Benchmark results\n"


def markers(part: str) -> tuple[str, str]:
    return f"<!-- {part}: written by bench/run.py, do not edit by hand -->", f"<!-- end of {part} -->"


def write_part(part: str, text: str, path: Path = RESULTS) -> None:
    """Put `text` between the part's markers in RESULTS.md (at the end the first time)."""
    begin, end = markers(part)
    current = path.read_text() if path.exists() else TITLE
    block = f"{begin}\n{text.strip()}\n{end}"
    if begin in current and end in current:
        head, rest = current.split(begin, 1)
        tail = rest.split(end, 1)[1]
        current = head + block + tail
    else:
        current = current.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(current)
