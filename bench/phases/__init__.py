"""The phases of bench/feed.py, one module each."""
