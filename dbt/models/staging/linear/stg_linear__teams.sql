with

source as (

    select * from {{ source('linear', 'raw_teams') }}

),

renamed as (

    select
        cast(id as {{ dbt.type_string() }}) as team_id,
        key as team_key,
        name as team_name,
        description as team_description,
        timezone,
        coalesce(cycles_enabled, false) as has_cycles_enabled,

        {{ utc_timestamp('created_at') }} as created_at,
        {{ utc_timestamp('updated_at') }} as updated_at,
        {{ utc_timestamp('archived_at') }} as archived_at

    from source

)

select * from renamed
