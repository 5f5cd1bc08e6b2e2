"""``python -m juesuan``: the command line, for a Python whose Scripts folder is not on PATH (offline installs,
the drag-and-drop 检查工作簿.bat)."""

import sys

from .cli import main

sys.exit(main())
