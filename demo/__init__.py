"""`make demo`: the whole pipeline against the local sandbox (both imitation APIs, one synthetic
company), loaded into the local DuckDB file and modelled by dbt, then a summary of what loaded
and five questions the marts answer. No credentials, no network.

    python -m demo --help
"""
