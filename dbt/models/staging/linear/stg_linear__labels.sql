with

source as (

    select * from {{ source('linear', 'raw_labels') }}

),

renamed as (

    select
        cast(id as {{ dbt.type_string() }}) as label_id,
        cast(team__id as {{ dbt.type_string() }}) as team_id,
        cast(parent__id as {{ dbt.type_string() }}) as parent_label_id,

        name as label_name,
        description as label_description,
        color as label_color,
        coalesce(is_group, false) as is_group,

        {{ utc_timestamp('created_at') }} as created_at,
        {{ utc_timestamp('updated_at') }} as updated_at,
        {{ utc_timestamp('archived_at') }} as archived_at

    from source

)

select * from renamed
