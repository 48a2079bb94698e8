"""Query side of the index: filters, semantic and keyword scoring, fusion, snippets, diversity, facets.

`SearchEngine` (engine.py) is the facade the service calls; each ranking step lives in its own module.
"""
