-- One row per submitted review, review comment and conversation comment on a pull request:
-- who wrote it, when, and whether that was the pull request's author or a bot (the
-- `is_bot_account` macro: user type Bot, a `[bot]` login, or the `bot_logins` var). Review and
-- comment metrics leave bots and the author out; bots are counted separately.
with

pull_requests as (

    select * from {{ ref('stg_github__pull_requests') }}

),

reviews as (

    select * from {{ ref('stg_github__pr_reviews') }}

),

review_comments as (

    select * from {{ ref('stg_github__pr_comments') }}

),

issue_comments as (

    select * from {{ ref('stg_github__pr_issue_comments') }}

),

activity as (

    select
        repo_full_name,
        pull_request_number,
        'review' as activity_type,
        review_id as activity_id,
        reviewer_github_user_id as actor_github_user_id,
        reviewer_login as actor_login,
        reviewer_type as actor_type,
        review_state,
        submitted_at as occurred_at
    from reviews
    -- PENDING reviews are not submitted yet (no timestamp)
    where review_state != 'PENDING' and submitted_at is not null

    union all

    select
        repo_full_name,
        pull_request_number,
        'review_comment' as activity_type,
        review_comment_id as activity_id,
        commenter_github_user_id as actor_github_user_id,
        commenter_login as actor_login,
        commenter_type as actor_type,
        cast(null as {{ dbt.type_string() }}) as review_state,
        created_at as occurred_at
    from review_comments

    union all

    select
        repo_full_name,
        pull_request_number,
        'conversation_comment' as activity_type,
        issue_comment_id as activity_id,
        commenter_github_user_id as actor_github_user_id,
        commenter_login as actor_login,
        commenter_type as actor_type,
        cast(null as {{ dbt.type_string() }}) as review_state,
        created_at as occurred_at
    from issue_comments

),

final as (

    select
        pull_requests.pull_request_id,
        activity.repo_full_name,
        activity.pull_request_number,
        activity.activity_type,
        activity.activity_id,
        activity.actor_github_user_id,
        activity.actor_login,
        activity.actor_type,
        activity.review_state,
        activity.occurred_at,
        {{ is_bot_account('activity.actor_login', 'activity.actor_type') }} as is_bot,
        -- unknown accounts (deleted users) are not the author
        coalesce(activity.actor_github_user_id = pull_requests.author_github_user_id, false)
            as is_by_author,
        coalesce(activity.occurred_at > pull_requests.merged_at, false) as is_after_merge

    from activity
    inner join pull_requests
        on activity.repo_full_name = pull_requests.repo_full_name
        and activity.pull_request_number = pull_requests.pull_request_number

)

select * from final
