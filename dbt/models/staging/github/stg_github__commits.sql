-- Commits of each repository's default branch (loaded when deployments are configured).
with

source as (

    select * from {{ source_or_empty('github', 'raw_commits', {
        'sha': dbt.type_string(), 'repo': dbt.type_string(), 'message': dbt.type_string(),
        'author__login': dbt.type_string(), 'authored_at': dbt.type_timestamp(),
        'committed_at': dbt.type_timestamp(), 'parent_shas': dbt.type_string(),
    }) }}

),

renamed as (

    select
        -- ids
        sha as commit_sha,
        repo as repo_full_name,

        -- attributes
        message as commit_message,
        author__login as author_login,
        parent_shas,

        -- timestamps (UTC)
        {{ utc_timestamp('authored_at') }} as authored_at,
        {{ utc_timestamp('committed_at') }} as committed_at

    from source

)

select * from renamed
