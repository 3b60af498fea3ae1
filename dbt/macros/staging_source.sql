{#
  The source CTE of a staging view whose raw columns are declared once, in the sources yml
  (`columns:`, each with a `data_type:`; Fivetran's `get_<table>_columns()` pattern, read from the
  graph): `{{ select_source('github', 'raw_pull_requests__labels') }}` selects those columns from
  the raw table. A dlt child table (`raw_issues__labels`, `raw_pull_requests__requested_teams`,
  ...) or an optional table (deployments, issue history, ...) exists only once dlt wrote a row to
  it; while it is missing at run time, the select reads an empty relation of the same columns and
  types instead, so the build goes on (parsing and compiling, the offline BigQuery check, never
  look the table up). The table's `config.meta` says the rest:
    dlt_parent: <table>   a dlt child table of <table>: dlt's `_dlt_id`, `_dlt_parent_id` (the
                          parent row's `_dlt_id`) and `_dlt_list_idx` come first, declared here
    live_rows: true       leave out the rows a reconcile marked deleted (macro `live_rows`);
                          their `is_deleted` comes along once it exists (`is_deleted_column`)
    live_parent: {key, parent_table, parent_key}
                          leave out the rows of parents marked deleted (macro `of_live_parent`)
  A `data_type` is one of dbt's portable names, for the column as dlt writes it: string, bigint,
  float, boolean, timestamp (dlt's: `timestamp with time zone` in DuckDB).
#}
{% macro select_source(source_name, table_name) %}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute -%}
        select * from {{ relation }}
    {%- else -%}
        {%- set meta = source_table(source_name, table_name).config.meta or {} -%}
        {%- set columns = source_columns(source_name, table_name) -%}
        {%- set names = columns.keys() | list -%}
        {%- if meta.live_rows and raw_has_column(source_name, table_name, 'is_deleted') -%}
            {%- do names.append('is_deleted') -%}
        {%- endif -%}
        {%- if meta.live_rows and meta.live_parent -%}
            {{ exceptions.raise_compiler_error(
                source_name ~ '.' ~ table_name ~ ': meta has live_rows and live_parent; pick one') }}
        {%- endif -%}
        select
        {%- for name in names %}
        {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ source_or_empty(source_name, table_name, columns) }}
        {%- if meta.live_rows %}
    {{ live_rows(source_name, table_name) }}
        {%- elif meta.live_parent %}
    {{ of_live_parent(
            meta.live_parent.key, source_name, meta.live_parent.parent_table,
            meta.live_parent.parent_key
        ) }}
        {%- endif %}
    {%- endif -%}
{% endmacro %}


{# The graph's node of a source table (compile and run time only). #}
{% macro source_table(source_name, table_name) %}
    {%- for node in graph.sources.values()
            if node.source_name == source_name and node.name == table_name -%}
        {{ return(node) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error('no source ' ~ source_name ~ '.' ~ table_name) }}
{% endmacro %}


{# The declared columns of a source table, in yml order: a dict of name -> SQL type. #}
{% macro source_columns(source_name, table_name) %}
    {%- set types = {
        'string': dbt.type_string(),
        'bigint': dbt.type_bigint(),
        'float': dbt.type_float(),
        'boolean': dbt.type_boolean(),
        'timestamp': dlt_timestamp_type(),
    } -%}
    {%- set table = source_table(source_name, table_name) -%}
    {%- set columns = {} -%}
    {%- if (table.config.meta or {}).dlt_parent -%}
        {%- do columns.update({
            '_dlt_id': types.string, '_dlt_parent_id': types.string, '_dlt_list_idx': types.bigint,
        }) -%}
    {%- endif -%}
    {%- for column in table.columns.values() -%}
        {%- if column.data_type not in types -%}
            {{ exceptions.raise_compiler_error(
                source_name ~ '.' ~ table_name ~ '.' ~ column.name ~ ': data_type '
                ~ column.data_type ~ ' is not one of ' ~ (types.keys() | join(', '))) }}
        {%- endif -%}
        {%- do columns.update({column.name: types[column.data_type]}) -%}
    {%- endfor -%}
    {{ return(columns) }}
{% endmacro %}


{#
  `source(source_name, table_name)`, or while that table is missing at run time an empty
  relation with `columns` (a dict of name -> SQL type).
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
