{#
  A dlt child table (`raw_issues__labels`, `raw_pull_requests__requested_teams`, ...) exists only
  once some row has had an item in that list: a new GitHub org with no team review requests has
  no `raw_pull_requests__requested_teams`. When the table is missing at run time, this renders an
  empty relation with the given columns instead, so the build goes on. `columns` maps each raw
  column to its type. Parsing and compiling (the offline BigQuery check) never look the table up.
#}
{% macro source_or_empty(source_name, table_name, columns) %}
    {%- set relation = source(source_name, table_name) -%}
    {%- set found = relation -%}
    {%- if execute and flags.WHICH in ('run', 'build', 'test', 'show', 'retry') -%}
        {%- set found = adapter.get_relation(
            database=relation.database, schema=relation.schema, identifier=relation.identifier
        ) -%}
    {%- endif -%}
    {%- if found is none -%}
        (
            select
            {%- for name, data_type in columns.items() %}
                cast(null as {{ data_type }}) as {{ name }}{{ "," if not loop.last }}
            {%- endfor %}
            limit 0
        )
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{% endmacro %}
