-- One row per Linear issue with a linked pull request: the delivery steps of its first linked
-- pull request (the one opened first; ties by id) and the hours between them:
--   issue started -> first commit -> pull request ready for review -> merged -> issue completed.
-- `pr_ready_at` is the pull request's creation, or its first ready-for-review event when it
-- was opened as a draft (its first draft event is `ready_for_review`); null while a draft that
-- was never ready. A gap is null when either end is, and negative when the steps happened out
-- of order (a commit before the issue was started, a PR merged before it): see dbt/README.md.
-- Cross-source: needs Linear (issues, links) and GitHub (pull requests, timeline events).
with

issues as (

    select * from {{ ref('stg_linear__issues') }}

),

issue_links as (

    select * from {{ ref('bridge_issue_pull_requests') }}

),

pull_requests as (

    select * from {{ ref('stg_github__pull_requests') }}

),

timeline_events as (

    select * from {{ ref('stg_github__pr_timeline_events') }}

),

draft_events as (

    select
        pull_request_id,
        event_type,
        created_at,
        row_number() over (
            partition by pull_request_id
            order by created_at, timeline_event_id
        ) as draft_event_number

    from timeline_events
    where event_type in ('ready_for_review', 'convert_to_draft')

),

first_draft_events as (

    select * from draft_events
    where draft_event_number = 1

),

ready_times as (

    select
        pull_requests.pull_request_id,
        case
            when first_draft_events.event_type = 'ready_for_review'
                then first_draft_events.created_at
            when first_draft_events.event_type is null and pull_requests.is_draft
                then null
            else pull_requests.created_at
        end as pr_ready_at

    from pull_requests
    left join first_draft_events
        on pull_requests.pull_request_id = first_draft_events.pull_request_id

),

linked_pull_requests as (

    select
        issue_links.issue_id,
        pull_requests.pull_request_id,
        pull_requests.repo_full_name,
        pull_requests.pull_request_number,
        pull_requests.first_commit_at,
        ready_times.pr_ready_at,
        pull_requests.merged_at,
        row_number() over (
            partition by issue_links.issue_id
            order by pull_requests.created_at, pull_requests.pull_request_id
        ) as opened_number

    from issue_links
    inner join pull_requests
        on issue_links.pull_request_id = pull_requests.pull_request_id
    left join ready_times
        on pull_requests.pull_request_id = ready_times.pull_request_id

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
        first_pull_requests.merged_at as pr_merged_at,
        {{ hours_between('issues.started_at', 'first_pull_requests.first_commit_at') }}
            as hours_started_to_first_commit,
        {{ hours_between('first_pull_requests.first_commit_at', 'first_pull_requests.pr_ready_at') }}
            as hours_first_commit_to_pr_ready,
        {{ hours_between('first_pull_requests.pr_ready_at', 'first_pull_requests.merged_at') }}
            as hours_pr_ready_to_merged,
        {{ hours_between('first_pull_requests.merged_at', 'issues.completed_at') }}
            as hours_merged_to_completed

    from first_pull_requests
    inner join issues
        on first_pull_requests.issue_id = issues.issue_id

)

select * from final
