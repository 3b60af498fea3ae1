-- One row per GitHub pull request: its review activity (see int_github__pull_requests_enriched
-- for what counts as a review), where its time went (int_github__pull_request_stages; the
-- deploy stage runs from the merge to the first deployment to the DORA environment that
-- shipped it), the author as a person (`dim_users`), and the Linear issue it implements (the
-- bridge's primary link).
with

pull_requests as (

    select * from {{ ref('int_github__pull_requests_enriched') }}

),

users as (

    select * from {{ ref('dim_users') }}

),

issue_links as (

    select * from {{ ref('bridge_issue_pull_requests') }}

),

shipped as (

    select * from {{ ref('bridge_deployment_pull_requests') }}
    where {{ reached_dora_environment() }}

),

first_deployments as (

    select
        pull_request_id,
        min(deployed_at) as first_deployed_at
    from shipped
    group by pull_request_id

),

primary_issue_links as (

    select * from issue_links
    where is_primary_link

),

final as (

    select
        pull_requests.pull_request_id,
        pull_requests.repo_full_name,
        pull_requests.pull_request_number,
        pull_requests.title,
        pull_requests.pull_request_url,
        pull_requests.head_ref,
        pull_requests.base_ref,
        pull_requests.labels,

        pull_requests.author_github_user_id,
        pull_requests.author_login,
        pull_requests.author_type,
        pull_requests.is_bot_author,
        users.user_key as author_user_key,

        pull_requests.state,
        pull_requests.is_draft,
        pull_requests.is_opened_as_draft,
        pull_requests.is_merged,

        pull_requests.first_commit_at,
        pull_requests.created_at,
        pull_requests.ready_for_review_at,
        pull_requests.first_reviewed_at,
        pull_requests.first_approved_at,
        pull_requests.merged_at,
        pull_requests.closed_at,
        pull_requests.updated_at,
        first_deployments.first_deployed_at,
        pull_requests.hours_to_first_review,
        pull_requests.hours_to_first_approval,
        pull_requests.hours_to_merge,

        pull_requests.coding_hours,
        pull_requests.pickup_hours,
        pull_requests.review_hours,
        pull_requests.merge_hours,
        {{ stage_hours('pull_requests.merged_at', 'first_deployments.first_deployed_at') }}
            as deploy_hours,
        pull_requests.cycle_hours,

        pull_requests.additions,
        pull_requests.deletions,
        pull_requests.lines_changed,
        pull_requests.changed_files,
        pull_requests.commit_count,
        pull_requests.size_bucket,

        pull_requests.review_count,
        pull_requests.approval_count,
        pull_requests.changes_requested_count,
        pull_requests.commits_after_first_review,
        pull_requests.commented_review_count,
        pull_requests.reviewer_count,
        pull_requests.review_comment_count,
        pull_requests.conversation_comment_count,
        pull_requests.bot_review_count,
        pull_requests.bot_comment_count,

        primary_issue_links.issue_id as linear_issue_id,
        primary_issue_links.issue_identifier as linear_issue_identifier,
        primary_issue_links.link_method

    from pull_requests
    left join users
        on pull_requests.author_github_user_id = users.github_user_id
    left join first_deployments
        on pull_requests.pull_request_id = first_deployments.pull_request_id
    left join primary_issue_links
        on pull_requests.pull_request_id = primary_issue_links.pull_request_id

)

select * from final
