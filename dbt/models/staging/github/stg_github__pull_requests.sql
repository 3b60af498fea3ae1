with

source as (

    select * from {{ source('github', 'raw_pull_requests') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_string() }}) as pull_request_id,
        repo as repo_full_name,
        cast(number as {{ dbt.type_bigint() }}) as pull_request_number,
        cast(user__id as {{ dbt.type_string() }}) as author_github_user_id,
        -- dlt's row id: child tables (labels, assignees, ...) point at it
        cast(_dlt_id as {{ dbt.type_string() }}) as pull_request_dlt_id,

        -- attributes
        title,
        -- the description: Linear's magic words (`Fixes ENG-12`) link issues from it
        body,
        state,
        coalesce(draft, false) as is_draft,
        coalesce(locked, false) as is_locked,
        user__login as author_login,
        user__type as author_type,
        author_association,
        head__ref as head_ref,
        head__sha as head_sha,
        head__repo__full_name as head_repo_full_name,
        base__ref as base_ref,
        base__sha as base_sha,
        merge_commit_sha,
        milestone__title as milestone_title,
        html_url as pull_request_url,
        coalesce(is_bot, user__type = 'Bot') as is_bot_author,

        -- size and commits
        cast(additions as {{ dbt.type_bigint() }}) as additions,
        cast(deletions as {{ dbt.type_bigint() }}) as deletions,
        cast(changed_files as {{ dbt.type_bigint() }}) as changed_files,
        cast(commits as {{ dbt.type_bigint() }}) as commit_count,

        -- timestamps (UTC)
        {{ utc_timestamp('created_at') }} as created_at,
        {{ utc_timestamp('updated_at') }} as updated_at,
        {{ utc_timestamp('closed_at') }} as closed_at,
        {{ utc_timestamp('merged_at') }} as merged_at,
        -- the first commit's author time (GraphQL `commits(first: 1)`)
        {{ utc_timestamp('first_commit_at') }} as first_commit_at

    from source

)

select * from renamed
