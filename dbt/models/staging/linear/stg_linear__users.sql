with

source as (

    -- the columns this model reads
    select
        id, git_hub_user_id, name, display_name, email, timezone, url, active, admin, guest,
        created_at, updated_at, archived_at
    from {{ source('linear', 'raw_users') }}

),

renamed as (

    select
        cast(id as {{ dbt.type_string() }}) as user_id,
        -- the GitHub numeric user id the user linked in Linear (text), blank when unlinked
        cast(nullif(trim(git_hub_user_id), '') as {{ dbt.type_string() }}) as github_user_id,

        name as user_name,
        display_name,
        email,
        timezone,
        url as user_url,
        coalesce(active, false) as is_active,
        coalesce(admin, false) as is_admin,
        coalesce(guest, false) as is_guest,

        {{ utc_timestamp('created_at') }} as created_at,
        {{ utc_timestamp('updated_at') }} as updated_at,
        {{ utc_timestamp('archived_at') }} as archived_at

    from source

)

select * from renamed
