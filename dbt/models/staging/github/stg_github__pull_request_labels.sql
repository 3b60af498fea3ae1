with

source as (

    select * from {{ source_or_empty('github', 'raw_pull_requests__labels', {
        '_dlt_id': dbt.type_string(), '_dlt_parent_id': dbt.type_string(), '_dlt_list_idx': dbt.type_bigint(),
        'node_id': dbt.type_string(), 'name': dbt.type_string(),
    }) }}

),

renamed as (

    select
        cast(_dlt_id as {{ dbt.type_string() }}) as pull_request_label_dlt_id,
        -- the pull request row's dlt id (`stg_github__pull_requests.pull_request_dlt_id`)
        cast(_dlt_parent_id as {{ dbt.type_string() }}) as pull_request_dlt_id,
        -- GraphQL's label id (labels have no database id there)
        cast(node_id as {{ dbt.type_string() }}) as label_id,
        name as label_name,
        cast(_dlt_list_idx as {{ dbt.type_int() }}) as label_position

    from source

)

select * from renamed
