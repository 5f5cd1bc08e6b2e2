"""``python -m juesuan``: the command line, for a Python whose Scripts folder is not on PATH (offline installs,
the drag-and-drop 检查工作簿.bat)."""

from .console import run

if __name__ == "__main__":  # batch workers started with "spawn" (Windows) import this module as __mp_main__
    run()
