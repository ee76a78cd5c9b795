"""Rendering of results: text for people, JSON for tools.

Reports receive a result and the model that produced it, and nothing else;
they never explore.
"""
