{#
    Cross-database helpers for what dbt's built-in macros do not cover. Each dispatches on the
    adapter: `duckdb__` for the local warehouse, `bigquery__` for production, `default__` for
    anything else (Postgres-flavoured, best effort).
#}

{#- A source timestamp as a UTC timestamp without time zone semantics surprises.
    dlt writes `TIMESTAMP WITH TIME ZONE` in DuckDB and `TIMESTAMP` (always UTC) in BigQuery.
    In DuckDB a plain cast to TIMESTAMP would convert to the *session* time zone, and views
    are evaluated in the querying session: convert explicitly to UTC wall-clock time instead,
    so DuckDB and BigQuery agree on every value and on date truncation. -#}
{% macro utc_timestamp(column) -%}
    {{ return(adapter.dispatch('utc_timestamp', 'engineering_data')(column)) }}
{%- endmacro %}

{% macro default__utc_timestamp(column) -%}
    cast({{ column }} as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro duckdb__utc_timestamp(column) -%}
    timezone('UTC', {{ column }})
{%- endmacro %}

{% macro bigquery__utc_timestamp(column) -%}
    cast({{ column }} as timestamp)
{%- endmacro %}

{#- The type dlt gives a timestamp column: `timestamp with time zone` in DuckDB, `timestamp`
    (UTC) in BigQuery. An empty stand-in for a missing raw table (`source_or_empty`) takes it,
    so `utc_timestamp` turns it into the same type as a loaded column. -#}
{% macro dlt_timestamp_type() -%}
    {{ return(adapter.dispatch('dlt_timestamp_type', 'engineering_data')()) }}
{%- endmacro %}

{% macro default__dlt_timestamp_type() -%}
    {{ dbt.type_timestamp() }}
{%- endmacro %}

{% macro duckdb__dlt_timestamp_type() -%}
    timestamp with time zone
{%- endmacro %}


{#- Hours from `start_at` to `end_at` as a decimal number (null when either is null).
    Millisecond precision: Linear timestamps carry milliseconds. -#}
{% macro hours_between(start_at, end_at) -%}
    ({{ dbt.datediff(start_at, end_at, 'millisecond') }} / 3600000.0)
{%- endmacro %}


{#- Every match of `pattern` in `text_column`, one row each: a query selecting `key_column`
    and the match as `token` from `relation` (a relation or CTE name). Rows without a match
    yield no row. Keep `pattern` free of backslashes and quotes: it is inlined as a literal in
    each dialect (RE2 in both DuckDB and BigQuery). -#}
{% macro regexp_tokens(relation, key_column, text_column, pattern) -%}
    {{ return(adapter.dispatch('regexp_tokens', 'engineering_data')(relation, key_column, text_column, pattern)) }}
{%- endmacro %}

{% macro default__regexp_tokens(relation, key_column, text_column, pattern) -%}
    select
        {{ key_column }},
        (regexp_matches({{ text_column }}, '{{ pattern }}', 'g'))[1] as token
    from {{ relation }}
    where {{ text_column }} is not null
{%- endmacro %}

{% macro duckdb__regexp_tokens(relation, key_column, text_column, pattern) -%}
    select
        {{ key_column }},
        unnest(regexp_extract_all({{ text_column }}, '{{ pattern }}')) as token
    from {{ relation }}
    where {{ text_column }} is not null
{%- endmacro %}

{% macro bigquery__regexp_tokens(relation, key_column, text_column, pattern) -%}
    select
        {{ key_column }},
        token
    from {{ relation }}
    cross join unnest(regexp_extract_all({{ text_column }}, r'{{ pattern }}')) as token
    where {{ text_column }} is not null
{%- endmacro %}
