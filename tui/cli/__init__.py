"""The ``cgviz`` command line: argument parsing, subcommands, exit codes."""
