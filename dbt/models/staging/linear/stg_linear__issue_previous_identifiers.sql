with

source as (

    {{ select_source('linear', 'raw_issues__previous_identifiers') }}

),

renamed as (

    select
        _dlt_id as issue_previous_identifier_dlt_id,
        -- the issue row's dlt id (`stg_linear__issues.issue_dlt_id`), not the Linear issue id
        _dlt_parent_id as issue_dlt_id,
        value as previous_identifier

    from source

)

select * from renamed
