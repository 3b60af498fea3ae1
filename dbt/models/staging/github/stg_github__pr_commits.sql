-- One row per commit a pull request has now (GraphQL `PullRequest.commits`, read to the end).
-- Each read of a pull request rewrites all its commits with its `updatedAt` as read; a commit a
-- force-push took away is not rewritten, keeps an older stamp, and is left out here.
with

source as (

    {{ select_source('github', 'raw_pr_commits') }}

),

latest_reads as (

    select
        *,
        max(pull_request_updated_at) over (partition by pull_request_id) as last_read_updated_at
    from source

),

current_commits as (

    select * from latest_reads
    where pull_request_updated_at = last_read_updated_at

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_string() }}) as pull_request_commit_id,
        repo as repo_full_name,
        cast(pull_request_id as {{ dbt.type_string() }}) as pull_request_id,
        cast(pull_number as {{ dbt.type_bigint() }}) as pull_request_number,
        sha as commit_sha,

        -- timestamps (UTC)
        {{ utc_timestamp('authored_at') }} as authored_at,
        -- when the commit was made (a rebase or amend makes it anew); GitHub no longer serves
        -- when a commit was pushed
        {{ utc_timestamp('committed_at') }} as committed_at

    from current_commits

)

select * from renamed
