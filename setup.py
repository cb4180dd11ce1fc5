"""Installs the top-level resources/ folder inside the package as imp_desktop/resources.

Everything else is in pyproject.toml; this file exists only for that mapping.
"""
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithResources(build_py):
    def run(self):
        super().run()
        source = Path(__file__).parent / "resources"
        target = Path(self.build_lib) / "imp_desktop" / "resources"
        for path in source.rglob("*"):
            if path.is_file():
                destination = target / path.relative_to(source)
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(path.read_bytes())


setup(cmdclass={"build_py": BuildWithResources})
