with

source as (

    {{ select_source('github', 'raw_pull_requests__labels') }}

),

renamed as (

    select
        _dlt_id as pull_request_label_dlt_id,
        -- the pull request row's dlt id (`stg_github__pull_requests.pull_request_dlt_id`)
        _dlt_parent_id as pull_request_dlt_id,
        -- GraphQL's label id (labels have no database id there)
        node_id as label_id,
        name as label_name,
        cast(_dlt_list_idx as {{ dbt.type_int() }}) as label_position

    from source

)

select * from renamed
