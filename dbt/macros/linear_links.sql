{#
    Helpers of the Linear history and link models, dispatched like cross_database.sql.
#}

{#- The one capturing group of `pattern` in `text` (null without a match). Keep the pattern
    free of backslashes and quotes and give it exactly one capturing group (RE2 in DuckDB and
    BigQuery; use `(?:...)` for other groups). -#}
{% macro regexp_capture(text, pattern) -%}
    {{ return(adapter.dispatch('regexp_capture', 'engineering_data')(text, pattern)) }}
{%- endmacro %}

{% macro default__regexp_capture(text, pattern) -%}
    substring({{ text }} from '{{ pattern }}')
{%- endmacro %}

{% macro duckdb__regexp_capture(text, pattern) -%}
    nullif(regexp_extract({{ text }}, '{{ pattern }}', 1), '')
{%- endmacro %}

{% macro bigquery__regexp_capture(text, pattern) -%}
    regexp_extract({{ text }}, r'{{ pattern }}')
{%- endmacro %}


{#- The text at top-level `key` of a JSON column (dlt's `json` data type), null when absent. -#}
{% macro json_text(column, key) -%}
    {{ return(adapter.dispatch('json_text', 'engineering_data')(column, key)) }}
{%- endmacro %}

{% macro default__json_text(column, key) -%}
    ({{ column }} ->> '{{ key }}')
{%- endmacro %}

{% macro duckdb__json_text(column, key) -%}
    json_extract_string({{ column }}, '$.{{ key }}')
{%- endmacro %}

{% macro bigquery__json_text(column, key) -%}
    json_value({{ column }}, '$.{{ key }}')
{%- endmacro %}

