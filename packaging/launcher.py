"""Entry point of the built application (PyInstaller runs this file)."""
import multiprocessing
import sys

from imp_desktop.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
