"""Explore: a ranked grid of posts from accounts the viewer does not follow (`ranking`), and
trending hashtags (`trending`). Both read shared state that periodic jobs build
(vitrina.feed.tasks); a request never builds it.
"""
