"""Search analytics: what people search the collection for, what they find, and which practices are missing.

One module per job, in the order data flows:

    settings.py     the PRACTICE_SEARCH_ANALYTICS_* settings (a mixin of the one Settings object)
    privacy.py      what of a query may be kept: normalised, contact details blanked, truncated
    language.py     a language guess for a query (py3langid, model shipped in the package)
    records.py      what the request path hands over, and the rows the writer makes of it
    recorder.py     the bounded queue and the one writer thread; degrades, never blocks
    schema.py       the tables;  migrations.py  their versions;  store.py  SQLite / PostgreSQL
    query_ids.py    signed ids that tie a click to the results a response showed
    reports.py      the SQL aggregates;  themes.py  unmet queries grouped by meaning
    catalog.py      every report by name;  csvexport.py  a report as CSV
    service.py      the facade the search service holds
    web/            POST /events, /admin/analytics/* and the dashboard page (static/)
    cli.py          `search-analytics`, the reports in a terminal

Importing this package is cheap (the settings mixin is imported by the indexer's Settings).
"""
