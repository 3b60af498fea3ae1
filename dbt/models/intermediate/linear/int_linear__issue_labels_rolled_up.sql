-- One row per issue that has labels: its label names as one sorted, delimited string.
with

issues as (

    select * from {{ ref('stg_linear__issues') }}

),

issue_labels as (

    select * from {{ ref('stg_linear__issue_labels') }}

),

labels as (

    select * from {{ ref('stg_linear__labels') }}

),

labelled as (

    select
        issues.issue_id,
        issue_labels.label_id,
        labels.label_name

    from issue_labels
    inner join issues
        on issue_labels.issue_dlt_id = issues.issue_dlt_id
    left join labels
        on issue_labels.label_id = labels.label_id

),

final as (

    select
        issue_id,
        count(distinct label_id) as label_count,
        {{ dbt.listagg('label_name', "', '", 'order by label_name') }} as labels

    from labelled
    group by issue_id

)

select * from final
