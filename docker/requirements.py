"""Print the requirements of pyproject.toml (dependencies + the extras in $EXTRAS), torch aside.

Used by the Dockerfile to install dependencies in a layer that only pyproject.toml invalidates.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

project = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))["project"]
extras = [extra.strip() for extra in os.environ.get("EXTRAS", "").split(",") if extra.strip()]
wanted = list(project["dependencies"])
for extra in extras:
    wanted += project["optional-dependencies"][extra]
print("\n".join(item for item in wanted if not item.replace(" ", "").startswith("torch")))
