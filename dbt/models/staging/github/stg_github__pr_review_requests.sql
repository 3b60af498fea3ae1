with

source as (

    {{ select_source('github', 'raw_pr_review_requests') }}

),

renamed as (

    select
        -- ids (a request is its `review_requested` timeline event)
        cast(id as {{ dbt.type_string() }}) as review_request_id,
        repo as repo_full_name,
        cast(pull_request_id as {{ dbt.type_string() }}) as pull_request_id,
        cast(pull_number as {{ dbt.type_bigint() }}) as pull_request_number,
        cast(requested_by__id as {{ dbt.type_string() }}) as requested_by_github_user_id,
        cast(reviewer__id as {{ dbt.type_string() }}) as reviewer_github_user_id,
        cast(team__id as {{ dbt.type_string() }}) as team_id,

        -- attributes
        requested_by__login as requested_by_login,
        reviewer__login as reviewer_login,
        reviewer__type as reviewer_type,
        team__slug as team_slug,
        coalesce(is_outstanding, false) as is_outstanding,

        -- timestamps (UTC)
        {{ utc_timestamp('requested_at') }} as requested_at,
        -- null while the request stands (or once the reviewer reviewed)
        {{ utc_timestamp('removed_at') }} as removed_at

    from source

)

select * from renamed
