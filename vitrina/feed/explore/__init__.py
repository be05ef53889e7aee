"""Explore: a ranked grid of posts from accounts the viewer does not follow (`ranking`), and
trending hashtags (`trending`).
"""
