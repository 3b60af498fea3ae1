with

source as (

    {{ select_source('linear', 'raw_issues__labels') }}

),

renamed as (

    select
        _dlt_id as issue_label_dlt_id,
        -- the issue row's dlt id (`stg_linear__issues.issue_dlt_id`), not the Linear issue id
        _dlt_parent_id as issue_dlt_id,
        value as label_id,
        cast(_dlt_list_idx as {{ dbt.type_int() }}) as label_position

    from source

)

select * from renamed
