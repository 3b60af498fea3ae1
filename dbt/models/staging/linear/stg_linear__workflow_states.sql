with

source as (

    select * from {{ source('linear', 'raw_workflow_states') }}

),

renamed as (

    select
        cast(id as {{ dbt.type_string() }}) as state_id,
        cast(team__id as {{ dbt.type_string() }}) as team_id,

        name as state_name,
        type as state_type,
        color as state_color,
        position as state_position,
        description as state_description,

        {{ utc_timestamp('created_at') }} as created_at,
        {{ utc_timestamp('updated_at') }} as updated_at,
        {{ utc_timestamp('archived_at') }} as archived_at

    from source

)

select * from renamed
