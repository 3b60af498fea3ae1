-- One row per Linear issue with a linked pull request: the delivery steps of its first linked
-- pull request (the one opened first; ties by id) and the hours between them:
--   issue started -> first commit -> pull request ready for review -> merged -> issue completed.
-- The steps up to the merge are the link's (`bridge_issue_pull_requests`, from
-- int_github__pull_request_delivery); this adds merged -> completed. A gap is null when either
-- end is, and negative when the steps happened out of order (a commit before the issue was
-- started, a PR merged before it): see dbt/README.md.
-- Cross-source: needs Linear (issues, links) and GitHub (pull requests, timeline events).
with

issues as (

    select * from {{ ref('stg_linear__issues') }}

),

issue_links as (

    select * from {{ ref('bridge_issue_pull_requests') }}

),

linked_pull_requests as (

    select
        *,
        row_number() over (
            partition by issue_id
            order by pr_opened_at, pull_request_id
        ) as opened_number

    from issue_links

),

first_pull_requests as (

    select * from linked_pull_requests
    where opened_number = 1

),

final as (

    select
        issues.issue_id,
        first_pull_requests.pull_request_id as first_pull_request_id,
        first_pull_requests.repo_full_name as first_pull_request_repo_full_name,
        first_pull_requests.pull_request_number as first_pull_request_number,
        first_pull_requests.first_commit_at,
        first_pull_requests.pr_ready_at,
        first_pull_requests.pr_merged_at,
        first_pull_requests.hours_started_to_first_commit,
        first_pull_requests.hours_first_commit_to_pr_ready,
        first_pull_requests.hours_pr_ready_to_merged,
        {{ hours_between('first_pull_requests.pr_merged_at', 'issues.completed_at') }}
            as hours_merged_to_completed

    from first_pull_requests
    inner join issues
        on first_pull_requests.issue_id = issues.issue_id

)

select * from final
