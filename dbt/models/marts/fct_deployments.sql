{{ config(schema='github') }}
-- One row per deployment: what it shipped, whether it failed (its status failed, or an
-- incident followed it) and when service was restored (the next deployment of the same
-- repository and environment that did not fail). See dbt/README.md, "DORA".
with

deployments as (

    select * from {{ ref('int_github__deployments') }}

),

shipped as (

    select * from {{ ref('bridge_deployment_pull_requests') }}

),

incidents as (

    select * from {{ ref('int_linear__incidents') }}

),

shipped_counts as (

    select
        deployment_id,
        count(*) as pull_request_count
    from shipped
    group by deployment_id

),

-- An incident follows the last deployment to the DORA environment, of any repository, that
-- reached it before the incident was opened (within the lookback).
incident_candidates as (

    select
        incidents.issue_id,
        incidents.opened_at,
        deployments.deployment_id,
        row_number() over (
            partition by incidents.issue_id
            order by deployments.deployed_at desc, deployments.deployment_id desc
        ) as recency
    from incidents
    inner join deployments
        on deployments.environment = '{{ var("dora_environment", "production") }}'
        and deployments.deployed_at <= incidents.opened_at
        and deployments.deployed_at > {{ dbt.dateadd(
            'hour', -1 * var("incident_lookback_hours", 72), 'incidents.opened_at') }}

),

incident_counts as (

    select
        deployment_id,
        count(*) as incident_count,
        min(opened_at) as first_incident_at
    from incident_candidates
    where recency = 1
    group by deployment_id

),

flagged as (

    select
        deployments.*,
        coalesce(shipped_counts.pull_request_count, 0) as pull_request_count,
        coalesce(incident_counts.incident_count, 0) as incident_count,
        incident_counts.first_incident_at,
        deployments.is_failed_status
        or coalesce(incident_counts.incident_count, 0) > 0 as is_failure,
        case
            when deployments.is_failed_status then deployments.deployed_at
            else incident_counts.first_incident_at
        end as failed_at
    from deployments
    left join shipped_counts
        on deployments.deployment_id = shipped_counts.deployment_id
    left join incident_counts
        on deployments.deployment_id = incident_counts.deployment_id

),

restorations as (

    select
        failed.deployment_id,
        min(later.deployed_at) as restored_at
    from flagged as failed
    inner join flagged as later
        on failed.repo_full_name = later.repo_full_name
        and failed.environment = later.environment
        and later.deployed_at > failed.failed_at
        and not later.is_failure
    where failed.is_failure
    group by failed.deployment_id

),

final as (

    select
        flagged.deployment_id,
        flagged.repo_full_name,
        flagged.environment,
        flagged.deployment_source,
        flagged.sha,
        flagged.ref,
        flagged.creator_login,
        flagged.outcome,
        flagged.created_at,
        flagged.deployed_at,
        flagged.pull_request_count,
        flagged.incident_count,
        flagged.is_failed_status,
        flagged.is_failure,
        flagged.failed_at,
        restorations.restored_at,
        {{ hours_between('flagged.failed_at', 'restorations.restored_at') }} as hours_to_restore
    from flagged
    left join restorations
        on flagged.deployment_id = restorations.deployment_id

)

select * from final
