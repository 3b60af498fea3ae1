{{ config(schema='github') }}
-- One row per repository and ISO week (Monday) with a merged pull request or a deployment to
-- the DORA environment: throughput, where merged pull requests' time went (percentiles of the
-- stages of fct_pull_requests, by merge week; "Pull-request stages") and DORA's four keys.
-- See dbt/README.md, "DORA".
with

pull_requests as (

    select * from {{ ref('stg_github__pull_requests') }}
    where merged_at is not null

),

merged_pull_requests as (

    select * from {{ ref('fct_pull_requests') }}
    where merged_at is not null

),

deployments as (

    select * from {{ ref('fct_deployments') }}
    where environment = '{{ var("dora_environment", "production") }}'
        and deployed_at is not null

),

shipped as (

    select * from {{ ref('bridge_deployment_pull_requests') }}
    where environment = '{{ var("dora_environment", "production") }}'
        and deployed_at is not null

),

merged_weeks as (

    select
        repo_full_name,
        {{ iso_week_start('merged_at') }} as week_start,
        count(*) as prs_merged
    from pull_requests
    group by repo_full_name, {{ iso_week_start('merged_at') }}

),

deployment_weeks as (

    select
        repo_full_name,
        {{ iso_week_start('deployed_at') }} as week_start,
        count(*) as deployments,
        sum(case when is_failure then 1 else 0 end) as failed_deployments
    from deployments
    group by repo_full_name, {{ iso_week_start('deployed_at') }}

),

merged_stages as (

    select
        repo_full_name,
        {{ iso_week_start('merged_at') }} as week_start,
        coding_hours,
        pickup_hours,
        review_hours,
        merge_hours,
        cycle_hours,
        lines_changed
    from merged_pull_requests

),

stage_percentiles as (

    select
        repo_full_name,
        week_start,
        {{ percentile_over('coding_hours', 0.5, 'repo_full_name, week_start') }}
            as coding_p50_hours,
        {{ percentile_over('pickup_hours', 0.5, 'repo_full_name, week_start') }}
            as pickup_p50_hours,
        {{ percentile_over('pickup_hours', 0.85, 'repo_full_name, week_start') }}
            as pickup_p85_hours,
        {{ percentile_over('review_hours', 0.5, 'repo_full_name, week_start') }}
            as review_p50_hours,
        {{ percentile_over('review_hours', 0.85, 'repo_full_name, week_start') }}
            as review_p85_hours,
        {{ percentile_over('merge_hours', 0.5, 'repo_full_name, week_start') }}
            as merge_p50_hours,
        {{ percentile_over('cycle_hours', 0.5, 'repo_full_name, week_start') }}
            as cycle_time_p50_hours,
        {{ percentile_over('cycle_hours', 0.85, 'repo_full_name, week_start') }}
            as cycle_time_p85_hours,
        {{ percentile_over('lines_changed', 0.5, 'repo_full_name, week_start') }}
            as size_p50_lines
    from merged_stages

),

stage_weeks as (

    select
        repo_full_name,
        week_start,
        max(coding_p50_hours) as coding_p50_hours,
        max(pickup_p50_hours) as pickup_p50_hours,
        max(pickup_p85_hours) as pickup_p85_hours,
        max(review_p50_hours) as review_p50_hours,
        max(review_p85_hours) as review_p85_hours,
        max(merge_p50_hours) as merge_p50_hours,
        max(cycle_time_p50_hours) as cycle_time_p50_hours,
        max(cycle_time_p85_hours) as cycle_time_p85_hours,
        max(size_p50_lines) as size_p50_lines
    from stage_percentiles
    group by repo_full_name, week_start

),

lead_times as (

    select
        repo_full_name,
        {{ iso_week_start('deployed_at') }} as week_start,
        lead_time_hours
    from shipped

),

lead_time_percentiles as (

    select
        repo_full_name,
        week_start,
        {{ percentile_over('lead_time_hours', 0.5, 'repo_full_name, week_start') }}
            as lead_time_p50_hours
    from lead_times

),

lead_time_weeks as (

    select
        repo_full_name,
        week_start,
        max(lead_time_p50_hours) as lead_time_for_changes_p50_hours
    from lead_time_percentiles
    group by repo_full_name, week_start

),

restores as (

    select
        repo_full_name,
        {{ iso_week_start('deployed_at') }} as week_start,
        hours_to_restore
    from deployments
    where is_failure
        and restored_at is not null

),

restore_percentiles as (

    select
        repo_full_name,
        week_start,
        {{ percentile_over('hours_to_restore', 0.5, 'repo_full_name, week_start') }}
            as restore_p50_hours
    from restores

),

restore_weeks as (

    select
        repo_full_name,
        week_start,
        max(restore_p50_hours) as time_to_restore_p50_hours
    from restore_percentiles
    group by repo_full_name, week_start

),

weeks as (

    select repo_full_name, week_start from merged_weeks
    union distinct
    select repo_full_name, week_start from deployment_weeks

),

final as (

    select
        weeks.repo_full_name,
        weeks.week_start,
        coalesce(merged_weeks.prs_merged, 0) as prs_merged,
        stage_weeks.coding_p50_hours,
        stage_weeks.pickup_p50_hours,
        stage_weeks.pickup_p85_hours,
        stage_weeks.review_p50_hours,
        stage_weeks.review_p85_hours,
        stage_weeks.merge_p50_hours,
        stage_weeks.cycle_time_p50_hours,
        stage_weeks.cycle_time_p85_hours,
        stage_weeks.size_p50_lines,
        coalesce(deployment_weeks.deployments, 0) as deployments,
        lead_time_weeks.lead_time_for_changes_p50_hours,
        deployment_weeks.failed_deployments * 1.0
        / nullif(deployment_weeks.deployments, 0) as change_failure_rate,
        restore_weeks.time_to_restore_p50_hours
    from weeks
    left join merged_weeks
        on weeks.repo_full_name = merged_weeks.repo_full_name
        and weeks.week_start = merged_weeks.week_start
    left join stage_weeks
        on weeks.repo_full_name = stage_weeks.repo_full_name
        and weeks.week_start = stage_weeks.week_start
    left join deployment_weeks
        on weeks.repo_full_name = deployment_weeks.repo_full_name
        and weeks.week_start = deployment_weeks.week_start
    left join lead_time_weeks
        on weeks.repo_full_name = lead_time_weeks.repo_full_name
        and weeks.week_start = lead_time_weeks.week_start
    left join restore_weeks
        on weeks.repo_full_name = restore_weeks.repo_full_name
        and weeks.week_start = restore_weeks.week_start

)

select * from final
