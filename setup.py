"""Bundles the top-level templates/ into the wheel as foia/templates."""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithTemplates(build_py):
    def run(self):
        super().run()
        source = Path(__file__).parent / "templates"
        if source.is_dir():
            shutil.copytree(source, Path(self.build_lib) / "foia" / "templates", dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildPyWithTemplates})
