with

source as (

    select * from {{ source('linear', 'raw_comments') }}
    {{ live_rows('linear', 'raw_comments') }}

),

renamed as (

    select
        cast(id as {{ dbt.type_string() }}) as comment_id,
        cast(issue__id as {{ dbt.type_string() }}) as issue_id,
        cast(user__id as {{ dbt.type_string() }}) as user_id,
        cast(parent__id as {{ dbt.type_string() }}) as parent_comment_id,

        url as comment_url,
        {{ is_deleted_column('linear', 'raw_comments') }} as is_deleted,

        {{ utc_timestamp('created_at') }} as created_at,
        {{ utc_timestamp('updated_at') }} as updated_at,
        {{ utc_timestamp('edited_at') }} as edited_at,
        {{ utc_timestamp('archived_at') }} as archived_at

    from source

)

select * from renamed
