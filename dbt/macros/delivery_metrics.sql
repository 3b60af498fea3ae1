{#
    Helpers of the delivery marts (deployments, DORA, weekly trends), dispatched where DuckDB
    and BigQuery differ.
#}

{#- The Monday (ISO week start) of a UTC timestamp, as a date. On BigQuery by day arithmetic
    (1970-01-01 was a Thursday): `date_trunc(..., isoweek)` and `week(monday)` are right on
    BigQuery itself but not on the emulator the tests compare it on. -#}
{% macro iso_week_start(column) -%}
    {{ return(adapter.dispatch('iso_week_start', 'engineering_data')(column)) }}
{%- endmacro %}

{% macro default__iso_week_start(column) -%}
    cast({{ dbt.date_trunc('week', column) }} as date)
{%- endmacro %}

{% macro duckdb__iso_week_start(column) -%}
    cast(date_trunc('week', {{ column }}) as date)
{%- endmacro %}

{% macro bigquery__iso_week_start(column) -%}
    cast(date_from_unix_date(
        unix_date(date({{ column }})) - mod(unix_date(date({{ column }})) + 3, 7)
    ) as date)
{%- endmacro %}


{#- The continuous (interpolated) percentile `fraction` of `expression` over a window
    `partition by {{ partition_by }}`, nulls ignored: an exact median on both warehouses
    (BigQuery has `percentile_cont` only as a window function; DuckDB calls it
    `quantile_cont`). Aggregate it with `max()` in a `group by` over the same columns. -#}
{% macro percentile_over(expression, fraction, partition_by) -%}
    {{ return(adapter.dispatch('percentile_over', 'engineering_data')(expression, fraction, partition_by)) }}
{%- endmacro %}

{% macro default__percentile_over(expression, fraction, partition_by) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
        over (partition by {{ partition_by }})
{%- endmacro %}

{% macro duckdb__percentile_over(expression, fraction, partition_by) -%}
    quantile_cont({{ expression }}, {{ fraction }}) over (partition by {{ partition_by }})
{%- endmacro %}

{% macro bigquery__percentile_over(expression, fraction, partition_by) -%}
    percentile_cont({{ expression }}, {{ fraction }}) over (partition by {{ partition_by }})
{%- endmacro %}


{#- One row per group (`group_by`, a comma-separated list of columns) of `relation` with the
    continuous percentiles `percentiles`, a list of (name, expression, fraction) such as
    ('pickup_p85_hours', 'pickup_hours', 0.85): each a `percentile_over` the group, taken once
    per group with max(). `aggregates` (SQL such as 'count(*) as issues_completed', over the
    columns of `relation`) come along, over the group's rows. -#}
{% macro grouped_percentiles(relation, group_by, percentiles, aggregates=[]) -%}
    select
        {{ group_by }},
        {%- for aggregate in aggregates %}
        {{ aggregate }},
        {%- endfor %}
        {%- for name, expression, fraction in percentiles %}
        max({{ name }}) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
    from (
        select
            *,
            {%- for name, expression, fraction in percentiles %}
            {{ percentile_over(expression, fraction, group_by) }} as {{ name }}{{ "," if not loop.last }}
            {%- endfor %}
        from {{ relation }}
    ) as row_percentiles
    group by {{ group_by }}
{%- endmacro %}


{#- A where condition: the deployment reached `var('dora_environment')` (only such deployments
    count for DORA's keys; one in progress has no `deployed_at`). -#}
{% macro reached_dora_environment() -%}
    environment = '{{ var("dora_environment", "production") }}'
        and deployed_at is not null
{%- endmacro %}
