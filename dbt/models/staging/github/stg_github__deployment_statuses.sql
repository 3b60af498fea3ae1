with

source as (

    select * from {{ source_or_empty('github', 'raw_deployment_statuses', {
        'id': dbt.type_bigint(), 'deployment_id': dbt.type_bigint(), 'repo': dbt.type_string(),
        'state': dbt.type_string(), 'environment': dbt.type_string(),
        'created_at': dbt.type_timestamp(),
    }) }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_string() }}) as deployment_status_id,
        cast(deployment_id as {{ dbt.type_string() }}) as deployment_id,
        repo as repo_full_name,

        -- attributes
        state as deployment_state,
        environment,

        -- timestamps (UTC)
        {{ utc_timestamp('created_at') }} as created_at

    from source

)

select * from renamed
