-- GitHub pull request URLs (`https://github.com/<owner>/<repo>/pull/<number>`) are parsed into
-- the repository and number the bridge joins on.
{%- set pull_url = '^https?://github[.]com/' %}
with

source as (

    {{ select_source('linear', 'raw_attachments') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_string() }}) as attachment_id,
        cast(issue__id as {{ dbt.type_string() }}) as issue_id,
        cast(creator__id as {{ dbt.type_string() }}) as creator_user_id,

        -- attributes
        title as attachment_title,
        subtitle as attachment_subtitle,
        url as attachment_url,
        source_type,
        {{ json_text('metadata', 'status') }} as github_status,
        {{ json_text('metadata', 'linkKind') }} as link_kind,
        {{ regexp_capture('url', pull_url ~ '([^/]+/[^/]+)/pull/[0-9]+') }} as repo_full_name,
        cast({{ regexp_capture('url', pull_url ~ '[^/]+/[^/]+/pull/([0-9]+)') }}
            as {{ dbt.type_bigint() }}) as pull_request_number,
        archived_at is not null as is_archived,
        {{ is_deleted_column('linear', 'raw_attachments') }} as is_deleted,

        -- timestamps (UTC)
        {{ utc_timestamp('created_at') }} as created_at,
        {{ utc_timestamp('updated_at') }} as updated_at,
        {{ utc_timestamp('archived_at') }} as archived_at

    from source

)

select * from renamed
