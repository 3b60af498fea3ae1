-- Commits of each repository's default branch (loaded when deployments are configured).
with

source as (

    {{ select_source('github', 'raw_commits') }}

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
