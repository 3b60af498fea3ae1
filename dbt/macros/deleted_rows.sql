{#
  Rows a `--reconcile` run found gone from the API keep their raw row with `is_deleted` true and
  `deleted_at` set; staging leaves them out, so no intermediate model or mart counts them. The
  columns exist only once a reconcile has marked something, so each macro checks the raw table
  at run time and renders the plain model when they are missing (as `source_or_empty` does for
  missing tables; parsing and compiling never look, and render the filter-free model). The var
  `include_deleted_rows` (default false) keeps deleted rows in staging, with `is_deleted` true.
#}
{% macro raw_has_column(source_name, table_name, column) %}
    {%- if not (execute and flags.WHICH in ('run', 'build', 'test', 'show', 'retry')) -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- set found = adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier
    ) -%}
    {%- if found is none -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set names = adapter.get_columns_in_relation(found) | map(attribute='name') | map('lower') | list -%}
    {{ return(column in names) }}
{% endmacro %}

{# `is_deleted` of a raw table's row: false where the column does not exist yet. #}
{% macro is_deleted_column(source_name, table_name) %}
    {%- if raw_has_column(source_name, table_name, 'is_deleted') -%}
        coalesce(cast(is_deleted as {{ dbt.type_boolean() }}), false)
    {%- else -%}
        cast(false as {{ dbt.type_boolean() }})
    {%- endif -%}
{% endmacro %}

{# A where clause for the source CTE: leave out the rows marked deleted. #}
{% macro live_rows(source_name, table_name) %}
    {%- if not var('include_deleted_rows', false)
            and raw_has_column(source_name, table_name, 'is_deleted') -%}
        where not coalesce(cast(is_deleted as {{ dbt.type_boolean() }}), false)
    {%- endif -%}
{% endmacro %}

{#
  A where clause for a child table's source CTE: leave out the rows of parents marked deleted
  (`key` of this table points at `parent_key` of the parent raw table).
#}
{% macro of_live_parent(key, source_name, parent_table, parent_key) %}
    {%- if not var('include_deleted_rows', false)
            and raw_has_column(source_name, parent_table, 'is_deleted') -%}
        where {{ key }} not in (
            select {{ parent_key }} from {{ source(source_name, parent_table) }}
            where coalesce(cast(is_deleted as {{ dbt.type_boolean() }}), false)
        )
    {%- endif -%}
{% endmacro %}
