-- One row per deployment, whatever its kind, with its outcome, when it reached its environment
-- and the window of the default branch it shipped: the commits after the previous deployment
-- of the same repository and environment, up to its own commit.
with

deployments as (

    select * from {{ ref('stg_github__deployments') }}
    where not is_draft

),

statuses as (

    select * from {{ ref('stg_github__deployment_statuses') }}

),

commits as (

    select * from {{ ref('stg_github__commits') }}

),

-- A deployment's outcome is its first terminal status (a later `inactive` only means a newer
-- deployment replaced it).
terminal_statuses as (

    select
        deployment_id,
        deployment_state,
        created_at,
        row_number() over (
            partition by deployment_id order by created_at, deployment_status_id
        ) as terminal_position
    from statuses
    where deployment_state in ('success', 'failure', 'error')

),

outcomes as (

    select
        deployment_id,
        deployment_state as outcome,
        created_at as finished_at
    from terminal_statuses
    where terminal_position = 1

),

resolved as (

    select
        deployments.deployment_id,
        deployments.repo_full_name,
        deployments.deployment_source,
        deployments.environment,
        deployments.sha,
        deployments.ref,
        deployments.creator_login,
        deployments.created_at,
        case deployments.deployment_source
            when 'deployments' then outcomes.outcome
            when 'workflow' then deployments.workflow_conclusion
            else 'success'
        end as outcome,
        case deployments.deployment_source
            when 'deployments' then outcomes.finished_at
            when 'workflow' then deployments.updated_at
            else deployments.published_at
        end as deployed_at,
        commits.committed_at as commit_committed_at
    from deployments
    left join outcomes
        on deployments.deployment_id = outcomes.deployment_id
    left join commits
        on deployments.repo_full_name = commits.repo_full_name
        and deployments.sha = commits.commit_sha

),

windows as (

    select
        *,
        -- a release names a branch, not a commit: it ships what was merged before it
        coalesce(commit_committed_at, deployed_at, created_at) as shipped_until_at
    from resolved

),

final as (

    select
        *,
        lag(shipped_until_at) over (
            partition by repo_full_name, environment
            order by shipped_until_at, created_at, deployment_id
        ) as shipped_after_at,
        coalesce(outcome in ('failure', 'error'), false) as is_failed_status
    from windows

)

select * from final
