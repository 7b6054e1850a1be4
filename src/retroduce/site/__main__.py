"""`python -m retroduce.site` runs the CLI, for environments where the script is not on PATH."""

from retroduce.site.cli import main

main()
