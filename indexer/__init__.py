"""Turns data/practices.jsonl into a versioned index directory; never imports the web layer."""
