-- One row per pull request with its review and comment activity and where its time went
-- (int_github__pull_request_stages). Depends on GitHub alone: `fct_pull_requests` adds the
-- author's person key, the Linear issue and the first deployment.
--
-- Review metrics count submitted reviews by people other than the author: PENDING reviews
-- (not submitted, no timestamp), the author's own reviews and bots' reviews are left out.
-- DISMISSED reviews count as reviews (they were submitted) but not as approvals. Comment
-- counts leave bots out too; bots' reviews and comments are counted separately. Rework:
-- commits made (committed) after the first such review.
with

pull_requests as (

    select * from {{ ref('stg_github__pull_requests') }}

),

activity as (

    select * from {{ ref('int_github__pr_activity') }}

),

stages as (

    select * from {{ ref('int_github__pull_request_stages') }}

),

pull_request_labels as (

    select * from {{ ref('stg_github__pull_request_labels') }}

),

commits as (

    select * from {{ ref('stg_github__pr_commits') }}

),

review_summary as (

    select
        pull_request_id,
        count(*) as review_count,
        count(case when review_state = 'APPROVED' then 1 end) as approval_count,
        count(case when review_state = 'CHANGES_REQUESTED' then 1 end)
            as changes_requested_count,
        count(case when review_state = 'COMMENTED' then 1 end) as commented_review_count,
        count(distinct actor_github_user_id) as reviewer_count,
        min(occurred_at) as first_reviewed_at,
        min(case when review_state = 'APPROVED' then occurred_at end) as first_approved_at

    from activity
    where activity_type = 'review' and not is_by_author and not is_bot
    group by pull_request_id

),

comment_summary as (

    select
        pull_request_id,
        count(case when activity_type = 'review_comment' and not is_bot then 1 end)
            as review_comment_count,
        count(case when activity_type = 'conversation_comment' and not is_bot then 1 end)
            as conversation_comment_count,
        count(case when activity_type = 'review' and is_bot then 1 end) as bot_review_count,
        count(case when activity_type != 'review' and is_bot then 1 end) as bot_comment_count

    from activity
    group by pull_request_id

),

rework_summary as (

    select
        commits.pull_request_id,
        count(*) as commits_after_first_review

    from commits
    inner join review_summary
        on commits.pull_request_id = review_summary.pull_request_id
    where commits.committed_at > review_summary.first_reviewed_at
    group by commits.pull_request_id

),

label_lists as (

    select
        pull_request_dlt_id,
        {{ dbt.listagg('label_name', "', '", 'order by label_name') }} as labels

    from pull_request_labels
    group by pull_request_dlt_id

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
        pull_requests.author_github_user_id,
        pull_requests.author_login,
        pull_requests.author_type,
        pull_requests.state,
        pull_requests.is_draft,
        {{ is_bot_account('pull_requests.author_login', 'pull_requests.author_type') }}
            or coalesce(pull_requests.is_bot_author, false) as is_bot_author,
        stages.is_opened_as_draft,
        pull_requests.merged_at is not null as is_merged,
        label_lists.labels,

        pull_requests.created_at,
        pull_requests.first_commit_at,
        stages.ready_for_review_at,
        review_summary.first_reviewed_at,
        review_summary.first_approved_at,
        pull_requests.merged_at,
        pull_requests.closed_at,
        pull_requests.updated_at,

        -- from ready for review (draft time left out); a review of a draft counts as 0
        {{ stage_hours('stages.ready_for_review_at', 'review_summary.first_reviewed_at') }}
            as hours_to_first_review,
        {{ hours_between('pull_requests.created_at', 'review_summary.first_approved_at') }}
            as hours_to_first_approval,
        {{ hours_between('pull_requests.created_at', 'pull_requests.merged_at') }}
            as hours_to_merge,
        stages.coding_hours,
        stages.pickup_hours,
        stages.review_hours,
        stages.merge_hours,
        stages.cycle_hours,

        pull_requests.additions,
        pull_requests.deletions,
        pull_requests.additions + pull_requests.deletions as lines_changed,
        pull_requests.changed_files,
        pull_requests.commit_count,
        case
            when pull_requests.additions + pull_requests.deletions is null then null
            when pull_requests.additions + pull_requests.deletions < 10 then 'xs'
            when pull_requests.additions + pull_requests.deletions < 100 then 's'
            when pull_requests.additions + pull_requests.deletions < 500 then 'm'
            when pull_requests.additions + pull_requests.deletions < 1000 then 'l'
            else 'xl'
        end as size_bucket,

        coalesce(review_summary.review_count, 0) as review_count,
        coalesce(review_summary.approval_count, 0) as approval_count,
        coalesce(review_summary.changes_requested_count, 0) as changes_requested_count,
        coalesce(rework_summary.commits_after_first_review, 0) as commits_after_first_review,
        coalesce(review_summary.commented_review_count, 0) as commented_review_count,
        coalesce(review_summary.reviewer_count, 0) as reviewer_count,
        coalesce(comment_summary.review_comment_count, 0) as review_comment_count,
        coalesce(comment_summary.conversation_comment_count, 0) as conversation_comment_count,
        coalesce(comment_summary.bot_review_count, 0) as bot_review_count,
        coalesce(comment_summary.bot_comment_count, 0) as bot_comment_count

    from pull_requests
    left join review_summary
        on pull_requests.pull_request_id = review_summary.pull_request_id
    left join comment_summary
        on pull_requests.pull_request_id = comment_summary.pull_request_id
    left join rework_summary
        on pull_requests.pull_request_id = rework_summary.pull_request_id
    left join stages
        on pull_requests.pull_request_id = stages.pull_request_id
    left join label_lists
        on pull_requests.pull_request_dlt_id = label_lists.pull_request_dlt_id

)

select * from final
