"""Offline French-to-English translation into aligned bilingual documents."""

__version__ = "0.1.0"
