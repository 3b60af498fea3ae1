{#- The combination of `columns` is unique (dbt_utils' unique_combination_of_columns, kept
    local: this project installs no dbt packages). -#}
{% test unique_combination(model, columns, column_name=none) %}

select
    {{ columns | join(', ') }},
    count(*) as occurrences

from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
