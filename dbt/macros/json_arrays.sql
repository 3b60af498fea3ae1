{#
    One row per string element of a JSON array column (dlt's `json` data type, or its text),
    dispatched like cross_database.sql: `key_columns` (a comma-separated list) come along and
    the element is `token`. Rows whose column is null or an empty array give none.
#}
{% macro json_array_tokens(relation, key_columns, json_column) -%}
    {{ return(adapter.dispatch('json_array_tokens', 'engineering_data')(relation, key_columns, json_column)) }}
{%- endmacro %}

{% macro default__json_array_tokens(relation, key_columns, json_column) -%}
    select
        {{ key_columns }},
        jsonb_array_elements_text(cast({{ json_column }} as jsonb)) as token
    from {{ relation }}
    where {{ json_column }} is not null
{%- endmacro %}

{% macro duckdb__json_array_tokens(relation, key_columns, json_column) -%}
    select
        {{ key_columns }},
        unnest(json_extract_string({{ json_column }}, '$[*]')) as token
    from {{ relation }}
    where {{ json_column }} is not null
{%- endmacro %}

{% macro bigquery__json_array_tokens(relation, key_columns, json_column) -%}
    select
        {{ key_columns }},
        token
    from {{ relation }}
    cross join unnest(json_value_array({{ json_column }})) as token
    where {{ json_column }} is not null
{%- endmacro %}
