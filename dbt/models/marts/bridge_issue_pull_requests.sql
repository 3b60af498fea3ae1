-- One row per link between a Linear issue and a GitHub pull request: the link and the rule that
-- found it (int_linear__issue_pull_request_links, dbt/README.md "Issue links"), with its pull
-- request's delivery steps (int_github__pull_request_delivery) and the hours from the issue's
-- start to its first commit.
with

links as (

    select * from {{ ref('int_linear__issue_pull_request_links') }}

),

issues as (

    select * from {{ ref('stg_linear__issues') }}

),

pull_request_delivery as (

    select * from {{ ref('int_github__pull_request_delivery') }}

),

final as (

    select
        links.*,
        pull_request_delivery.pr_opened_at,
        pull_request_delivery.first_commit_at,
        pull_request_delivery.pr_ready_at,
        pull_request_delivery.pr_merged_at,
        {{ hours_between('issues.started_at', 'pull_request_delivery.first_commit_at') }}
            as hours_started_to_first_commit,
        pull_request_delivery.hours_first_commit_to_pr_ready,
        pull_request_delivery.hours_pr_ready_to_merged

    from links
    left join issues
        on links.issue_id = issues.issue_id
    left join pull_request_delivery
        on links.pull_request_id = pull_request_delivery.pull_request_id

)

select * from final
