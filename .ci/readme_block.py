"""Print the shell block that follows `<!-- production: NAME -->` in the README."""
import re
import sys
from pathlib import Path

name = sys.argv[1]
readme = Path(__file__).resolve().parent.parent.joinpath("README.md").read_text()
match = re.search(rf"<!-- production: {re.escape(name)} -->\s*```sh\n(.*?)```", readme, re.S)
if not match:
    sys.exit(f"README.md has no block marked <!-- production: {name} -->")
print(match.group(1), end="")
