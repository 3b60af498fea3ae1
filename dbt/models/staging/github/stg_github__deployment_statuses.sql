with

source as (

    {{ select_source('github', 'raw_deployment_statuses') }}

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
