"""askiraq: ask questions of a folder of news articles and get cited, extractive answers."""

__version__ = "0.2.0"
