{#
    Models land exactly in the dataset named by their `+schema` (`linear` or `github`), not in
    dbt's default `<target schema>_<custom schema>`: the warehouse layout is part of the
    contract (`linear.fct_issues`, `github.fct_pull_requests`). Without `+schema` a node falls
    back to the target's schema.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
