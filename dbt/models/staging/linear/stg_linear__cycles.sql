with

source as (

    select * from {{ source('linear', 'raw_cycles') }}

),

renamed as (

    select
        cast(id as {{ dbt.type_string() }}) as cycle_id,
        cast(team__id as {{ dbt.type_string() }}) as team_id,

        cast(number as {{ dbt.type_int() }}) as cycle_number,
        name as cycle_name,
        description as cycle_description,

        {{ utc_timestamp('starts_at') }} as starts_at,
        {{ utc_timestamp('ends_at') }} as ends_at,
        {{ utc_timestamp('completed_at') }} as completed_at,
        {{ utc_timestamp('created_at') }} as created_at,
        {{ utc_timestamp('updated_at') }} as updated_at,
        {{ utc_timestamp('archived_at') }} as archived_at

    from source

)

select * from renamed
