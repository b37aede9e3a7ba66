"""askiraq: ask questions of a folder of news articles and get cited, extractive answers."""

__version__ = "0.3.0.dev0"
