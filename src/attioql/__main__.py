"""`python -m attioql` runs the command line."""

from .cli import run

run()
