with

source as (

    select * from {{ source_or_empty('linear', 'raw_issues__labels', {
        '_dlt_id': dbt.type_string(), '_dlt_parent_id': dbt.type_string(), '_dlt_list_idx': dbt.type_bigint(),
        'value': dbt.type_string(),
    }) }}
    {{ of_live_parent('_dlt_parent_id', 'linear', 'raw_issues', '_dlt_id') }}

),

renamed as (

    select
        cast(_dlt_id as {{ dbt.type_string() }}) as issue_label_dlt_id,
        -- the issue row's dlt id (`stg_linear__issues.issue_dlt_id`), not the Linear issue id
        cast(_dlt_parent_id as {{ dbt.type_string() }}) as issue_dlt_id,
        cast(value as {{ dbt.type_string() }}) as label_id,
        cast(_dlt_list_idx as {{ dbt.type_int() }}) as label_position

    from source

)

select * from renamed
