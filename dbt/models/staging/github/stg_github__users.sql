with

source as (

    -- the columns this model reads
    select
        id, login, name, email, company, type, site_admin, html_url, created_at, updated_at
    from {{ source('github', 'raw_users') }}

),

renamed as (

    select
        cast(id as {{ dbt.type_string() }}) as github_user_id,
        login as github_login,

        name as user_name,
        -- the public email of the profile (null when private)
        nullif(trim(email), '') as email,
        company,
        type as user_type,
        coalesce(site_admin, false) as is_site_admin,
        html_url as profile_url,

        {{ utc_timestamp('created_at') }} as created_at,
        {{ utc_timestamp('updated_at') }} as updated_at

    from source

)

select * from renamed
