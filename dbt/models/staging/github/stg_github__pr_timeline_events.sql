with

source as (

    {{ select_source('github', 'raw_pr_timeline_events') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_string() }}) as timeline_event_id,
        repo as repo_full_name,
        cast(pull_request_id as {{ dbt.type_string() }}) as pull_request_id,
        cast(pull_number as {{ dbt.type_bigint() }}) as pull_request_number,
        cast(actor__id as {{ dbt.type_string() }}) as actor_github_user_id,
        cast(requested_reviewer__id as {{ dbt.type_string() }}) as requested_reviewer_github_user_id,
        cast(requested_team__id as {{ dbt.type_string() }}) as requested_team_id,
        cast(dismissed_review_id as {{ dbt.type_string() }}) as dismissed_review_id,

        -- attributes
        -- ready_for_review, convert_to_draft, review_requested, review_request_removed,
        -- review_dismissed, reopened, merged or closed
        event as event_type,
        actor__login as actor_login,
        actor__type as actor_type,
        requested_reviewer__login as requested_reviewer_login,
        requested_reviewer__type as requested_reviewer_type,
        requested_team__slug as requested_team_slug,

        -- timestamps (UTC)
        {{ utc_timestamp('created_at') }} as created_at

    from source

)

select * from renamed
