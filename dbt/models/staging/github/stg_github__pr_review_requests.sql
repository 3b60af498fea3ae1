with

source as (

    select * from {{ source_or_empty('github', 'raw_pr_review_requests', {
        'id': dbt.type_string(), 'repo': dbt.type_string(), 'pull_request_id': dbt.type_bigint(),
        'pull_number': dbt.type_bigint(),
        'requested_at': dbt.type_timestamp(), 'removed_at': dbt.type_timestamp(),
        'is_outstanding': dbt.type_boolean(),
        'requested_by__login': dbt.type_string(), 'requested_by__id': dbt.type_bigint(),
        'reviewer__login': dbt.type_string(), 'reviewer__id': dbt.type_bigint(),
        'reviewer__type': dbt.type_string(),
        'team__id': dbt.type_bigint(), 'team__slug': dbt.type_string(),
    }) }}

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
