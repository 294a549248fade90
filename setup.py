"""Ship the demo (``configs/`` and ``sample_data/``, kept at the repository's top level) in
the wheel as ``staffplan/demo/configs`` and ``staffplan/demo/sample_data``, so the demo runs
from any folder. Everything else about the package is in pyproject.toml."""

from setuptools import find_packages, setup

DEMO = {"staffplan.demo.configs": "configs", "staffplan.demo.sample_data": "sample_data"}

setup(
    packages=[*find_packages(include=["staffplan", "staffplan.*"]), *DEMO],
    package_dir=DEMO,
    package_data={
        "staffplan.demo.configs": ["*.yaml"],
        "staffplan.demo.sample_data": ["*.csv", "*.md", "*.py"],
    },
)
