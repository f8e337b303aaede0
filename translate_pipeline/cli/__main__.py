"""``python -m translate_pipeline.cli``: the ``translate`` command."""

from translate_pipeline.cli import main

main()
