-- One row per pull request: its delivery steps, as issue delivery follows them (dbt/README.md,
-- "Issue delivery"): first commit -> ready for review -> merged, and the hours between them
-- (negative when out of order, null when either end is). Ready for review is the stages'
-- (int_github__pull_request_stages): the creation, or the first ready-for-review event of a
-- pull request opened as a draft. `bridge_issue_pull_requests` puts these on each link.
with

pull_requests as (

    select * from {{ ref('stg_github__pull_requests') }}

),

stages as (

    select * from {{ ref('int_github__pull_request_stages') }}

),

final as (

    select
        pull_requests.pull_request_id,
        pull_requests.created_at as pr_opened_at,
        pull_requests.first_commit_at,
        stages.ready_for_review_at as pr_ready_at,
        pull_requests.merged_at as pr_merged_at,
        {{ hours_between('pull_requests.first_commit_at', 'stages.ready_for_review_at') }}
            as hours_first_commit_to_pr_ready,
        {{ hours_between('stages.ready_for_review_at', 'pull_requests.merged_at') }}
            as hours_pr_ready_to_merged

    from pull_requests
    left join stages
        on pull_requests.pull_request_id = stages.pull_request_id

)

select * from final
