with

source as (

    select * from {{ source('linear', 'raw_projects') }}

),

renamed as (

    select
        cast(id as {{ dbt.type_string() }}) as project_id,
        cast(lead__id as {{ dbt.type_string() }}) as lead_user_id,
        cast(creator__id as {{ dbt.type_string() }}) as creator_user_id,

        name as project_name,
        description as project_description,
        slug_id as project_slug_id,
        url as project_url,
        cast(priority as {{ dbt.type_int() }}) as priority,
        cast(start_date as date) as start_date,
        cast(target_date as date) as target_date,

        {{ utc_timestamp('started_at') }} as started_at,
        {{ utc_timestamp('completed_at') }} as completed_at,
        {{ utc_timestamp('canceled_at') }} as canceled_at,
        {{ utc_timestamp('created_at') }} as created_at,
        {{ utc_timestamp('updated_at') }} as updated_at,
        {{ utc_timestamp('archived_at') }} as archived_at

    from source

)

select * from renamed
