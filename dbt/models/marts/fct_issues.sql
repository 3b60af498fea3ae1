-- One row per Linear issue: everything Linear says about it (int_linear__issues_enriched)
-- plus the GitHub pull requests linked to it (every link of the bridge, any method) and where
-- it waited: hours in each state type and times reopened (int_linear__issue_state_hours; null
-- for an issue whose state history was not loaded), and how its first linked pull request
-- delivered it (int_linear__issue_delivery; null without a linked pull request).
with

issues as (

    select * from {{ ref('int_linear__issues_enriched') }}

),

issue_links as (

    select * from {{ ref('bridge_issue_pull_requests') }}

),

pull_requests as (

    select * from {{ ref('stg_github__pull_requests') }}

),

state_hours as (

    select * from {{ ref('int_linear__issue_state_hours') }}

),

delivery as (

    select * from {{ ref('int_linear__issue_delivery') }}

),

pull_request_summary as (

    select
        issue_links.issue_id,
        count(*) as linked_pull_request_count,
        count(case when pull_requests.merged_at is not null then 1 end)
            as merged_pull_request_count,
        min(pull_requests.created_at) as first_pull_request_opened_at,
        max(pull_requests.merged_at) as last_pull_request_merged_at

    from issue_links
    inner join pull_requests
        on issue_links.pull_request_id = pull_requests.pull_request_id
    group by issue_links.issue_id

),

final as (

    select
        issues.*,
        coalesce(pull_request_summary.linked_pull_request_count, 0)
            as linked_pull_request_count,
        coalesce(pull_request_summary.merged_pull_request_count, 0)
            as merged_pull_request_count,
        pull_request_summary.first_pull_request_opened_at,
        pull_request_summary.last_pull_request_merged_at,
        state_hours.hours_in_triage,
        state_hours.hours_in_backlog,
        state_hours.hours_in_unstarted,
        state_hours.hours_in_started,
        state_hours.times_reopened,
        delivery.first_pull_request_id,
        delivery.first_commit_at,
        delivery.pr_ready_at,
        delivery.pr_merged_at,
        delivery.hours_started_to_first_commit,
        delivery.hours_first_commit_to_pr_ready,
        delivery.hours_pr_ready_to_merged,
        delivery.hours_merged_to_completed

    from issues
    left join pull_request_summary
        on issues.issue_id = pull_request_summary.issue_id
    left join state_hours
        on issues.issue_id = state_hours.issue_id
    left join delivery
        on issues.issue_id = delivery.issue_id

)

select * from final
