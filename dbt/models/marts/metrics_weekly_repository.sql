{{ config(schema='github') }}
-- One row per repository and ISO week (Monday) with a merged pull request or a deployment to
-- the DORA environment: throughput, where merged pull requests' time went (percentiles of the
-- stages of fct_pull_requests, by merge week; "Pull-request stages") and DORA's four keys.
-- See dbt/README.md, "DORA".
with

merged_pull_requests as (

    select * from {{ ref('fct_pull_requests') }}
    where merged_at is not null

),

deployments as (

    select * from {{ ref('fct_deployments') }}
    where {{ reached_dora_environment() }}

),

shipped as (

    select * from {{ ref('bridge_deployment_pull_requests') }}
    where {{ reached_dora_environment() }}

),

deployment_rows as (

    select
        repo_full_name,
        {{ iso_week_start('deployed_at') }} as week_start,
        is_failure,
        restored_at,
        hours_to_restore
    from deployments

),

deployment_weeks as (

    {{ grouped_percentiles('deployment_rows', 'repo_full_name, week_start', [
        (
            'time_to_restore_p50_hours',
            'case when is_failure and restored_at is not null then hours_to_restore end',
            0.5,
        ),
    ], aggregates=[
        'count(*) as deployments',
        'sum(case when is_failure then 1 else 0 end) as failed_deployments',
    ]) }}

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

stage_weeks as (

    {{ grouped_percentiles('merged_stages', 'repo_full_name, week_start', [
        ('coding_p50_hours', 'coding_hours', 0.5),
        ('pickup_p50_hours', 'pickup_hours', 0.5),
        ('pickup_p85_hours', 'pickup_hours', 0.85),
        ('review_p50_hours', 'review_hours', 0.5),
        ('review_p85_hours', 'review_hours', 0.85),
        ('merge_p50_hours', 'merge_hours', 0.5),
        ('cycle_time_p50_hours', 'cycle_hours', 0.5),
        ('cycle_time_p85_hours', 'cycle_hours', 0.85),
        ('size_p50_lines', 'lines_changed', 0.5),
    ], aggregates=['count(*) as prs_merged']) }}

),

lead_times as (

    select
        repo_full_name,
        {{ iso_week_start('deployed_at') }} as week_start,
        lead_time_hours
    from shipped

),

lead_time_weeks as (

    {{ grouped_percentiles('lead_times', 'repo_full_name, week_start', [
        ('lead_time_for_changes_p50_hours', 'lead_time_hours', 0.5),
    ]) }}

),

weeks as (

    select repo_full_name, week_start from stage_weeks
    union distinct
    select repo_full_name, week_start from deployment_weeks

),

final as (

    select
        weeks.repo_full_name,
        weeks.week_start,
        coalesce(stage_weeks.prs_merged, 0) as prs_merged,
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
        deployment_weeks.time_to_restore_p50_hours
    from weeks
    left join stage_weeks
        on weeks.repo_full_name = stage_weeks.repo_full_name
        and weeks.week_start = stage_weeks.week_start
    left join deployment_weeks
        on weeks.repo_full_name = deployment_weeks.repo_full_name
        and weeks.week_start = deployment_weeks.week_start
    left join lead_time_weeks
        on weeks.repo_full_name = lead_time_weeks.repo_full_name
        and weeks.week_start = lead_time_weeks.week_start

)

select * from final
