{{ config(schema='github') }}
-- Which pull requests each deployment shipped: those whose merge commit is on the default
-- branch after the previous deployment's commit (same repository and environment) and up to
-- its own. A pull request is shipped once per environment, by the first deployment that
-- contains it.
with

deployments as (

    select * from {{ ref('int_github__deployments') }}

),

pull_requests as (

    select * from {{ ref('stg_github__pull_requests') }}
    where merged_at is not null

),

commits as (

    select * from {{ ref('stg_github__commits') }}

),

merged_on_default_branch as (

    select
        pull_requests.pull_request_id,
        pull_requests.repo_full_name,
        pull_requests.pull_request_number,
        pull_requests.created_at,
        pull_requests.first_commit_at,
        pull_requests.merged_at,
        commits.committed_at as merge_committed_at
    from pull_requests
    inner join commits
        on pull_requests.repo_full_name = commits.repo_full_name
        and pull_requests.merge_commit_sha = commits.commit_sha

),

final as (

    select
        deployments.deployment_id,
        merged_on_default_branch.pull_request_id,
        deployments.repo_full_name,
        deployments.environment,
        merged_on_default_branch.pull_request_number,
        merged_on_default_branch.created_at as pull_request_created_at,
        merged_on_default_branch.merged_at,
        deployments.deployed_at,
        merged_on_default_branch.first_commit_at as pull_request_first_commit_at,
        -- DORA's lead time for changes, from the pull request's first commit (its creation
        -- when unknown) to the deployment
        {{ hours_between(
            'coalesce(merged_on_default_branch.first_commit_at, merged_on_default_branch.created_at)',
            'deployments.deployed_at'
        ) }} as lead_time_hours
    from merged_on_default_branch
    inner join deployments
        on merged_on_default_branch.repo_full_name = deployments.repo_full_name
        and merged_on_default_branch.merge_committed_at <= deployments.shipped_until_at
        and (
            deployments.shipped_after_at is null
            or merged_on_default_branch.merge_committed_at > deployments.shipped_after_at
        )

)

select * from final
