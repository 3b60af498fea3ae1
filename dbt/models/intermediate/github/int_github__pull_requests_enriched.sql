-- One row per pull request with its review and comment activity. Depends on GitHub alone:
-- `fct_pull_requests` adds the author's person key and the Linear issue.
--
-- Review metrics count submitted reviews by people other than the author: PENDING reviews
-- (not submitted, no timestamp) and the author's own review comments are left out.
-- DISMISSED reviews count as reviews (they were submitted) but not as approvals.
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

pull_request_labels as (

    select * from {{ ref('stg_github__pull_request_labels') }}

),

submitted_reviews as (

    select
        pull_requests.pull_request_id,
        reviews.review_id,
        reviews.reviewer_github_user_id,
        reviews.review_state,
        reviews.submitted_at

    from reviews
    inner join pull_requests
        on reviews.repo_full_name = pull_requests.repo_full_name
        and reviews.pull_request_number = pull_requests.pull_request_number
    where
        reviews.review_state != 'PENDING'
        and reviews.submitted_at is not null
        -- not the author's own review (reviews by unknown accounts count)
        and (
            reviews.reviewer_github_user_id != pull_requests.author_github_user_id
            or reviews.reviewer_github_user_id is null
            or pull_requests.author_github_user_id is null
        )

),

review_summary as (

    select
        pull_request_id,
        count(*) as review_count,
        count(case when review_state = 'APPROVED' then 1 end) as approval_count,
        count(case when review_state = 'CHANGES_REQUESTED' then 1 end)
            as changes_requested_count,
        count(case when review_state = 'COMMENTED' then 1 end) as commented_review_count,
        count(distinct reviewer_github_user_id) as reviewer_count,
        min(submitted_at) as first_reviewed_at,
        min(case when review_state = 'APPROVED' then submitted_at end) as first_approved_at

    from submitted_reviews
    group by pull_request_id

),

review_comment_counts as (

    select
        repo_full_name,
        pull_request_number,
        count(*) as review_comment_count

    from review_comments
    group by repo_full_name, pull_request_number

),

issue_comment_counts as (

    select
        repo_full_name,
        pull_request_number,
        count(*) as conversation_comment_count

    from issue_comments
    group by repo_full_name, pull_request_number

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
        pull_requests.merged_at is not null as is_merged,
        label_lists.labels,

        pull_requests.created_at,
        review_summary.first_reviewed_at,
        review_summary.first_approved_at,
        pull_requests.merged_at,
        pull_requests.closed_at,
        pull_requests.updated_at,

        {{ hours_between('pull_requests.created_at', 'review_summary.first_reviewed_at') }}
            as hours_to_first_review,
        {{ hours_between('pull_requests.created_at', 'review_summary.first_approved_at') }}
            as hours_to_first_approval,
        {{ hours_between('pull_requests.created_at', 'pull_requests.merged_at') }}
            as hours_to_merge,

        coalesce(review_summary.review_count, 0) as review_count,
        coalesce(review_summary.approval_count, 0) as approval_count,
        coalesce(review_summary.changes_requested_count, 0) as changes_requested_count,
        coalesce(review_summary.commented_review_count, 0) as commented_review_count,
        coalesce(review_summary.reviewer_count, 0) as reviewer_count,
        coalesce(review_comment_counts.review_comment_count, 0) as review_comment_count,
        coalesce(issue_comment_counts.conversation_comment_count, 0)
            as conversation_comment_count

    from pull_requests
    left join review_summary
        on pull_requests.pull_request_id = review_summary.pull_request_id
    left join review_comment_counts
        on pull_requests.repo_full_name = review_comment_counts.repo_full_name
        and pull_requests.pull_request_number = review_comment_counts.pull_request_number
    left join issue_comment_counts
        on pull_requests.repo_full_name = issue_comment_counts.repo_full_name
        and pull_requests.pull_request_number = issue_comment_counts.pull_request_number
    left join label_lists
        on pull_requests.pull_request_dlt_id = label_lists.pull_request_dlt_id

)

select * from final
