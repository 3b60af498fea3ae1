-- One row per Linear cycle: the scope it committed to at its start, what was added and removed
-- while it ran, what it completed and what it carried over (int_linear__issue_cycle_stays).
-- See dbt/README.md, "Cycles".
with

cycles as (

    select * from {{ ref('stg_linear__cycles') }}

),

stays as (

    select * from {{ ref('int_linear__issue_cycle_stays') }}

),

issues as (

    select * from {{ ref('stg_linear__issues') }}

),

stay_flags as (

    select
        stays.cycle_id,
        stays.issue_id,
        coalesce(
            stays.joined_at <= cycles.starts_at
            and (stays.left_at is null or stays.left_at > cycles.starts_at),
            false
        ) as is_committed,
        coalesce(
            stays.joined_at > cycles.starts_at and stays.joined_at < cycles.ends_at, false
        ) as is_added,
        coalesce(
            stays.left_at > cycles.starts_at and stays.left_at < cycles.ends_at, false
        ) as is_removed,
        -- completed while in the cycle, during a stay that is part of its scope (overlaps it)
        coalesce(
            stays.joined_at < cycles.ends_at
            and (stays.left_at is null or stays.left_at > cycles.starts_at)
            and issues.completed_at >= stays.joined_at
            and (stays.left_at is null or issues.completed_at < stays.left_at)
            and issues.completed_at < cycles.ends_at,
            false
        ) as is_completed_in_cycle,
        coalesce(
            cycles.completed_at is not null
            and stays.joined_at < cycles.ends_at
            and (stays.left_at is null or stays.left_at >= cycles.ends_at)
            and not coalesce(issues.completed_at < cycles.ends_at, false)
            and not coalesce(issues.canceled_at < cycles.ends_at, false),
            false
        ) as is_carried_over

    from stays
    inner join cycles
        on stays.cycle_id = cycles.cycle_id
    left join issues
        on stays.issue_id = issues.issue_id

),

cycle_counts as (

    select
        cycle_id,
        count(distinct case when is_committed then issue_id end) as committed_issues,
        count(distinct case when is_added then issue_id end) as added_issues,
        count(distinct case when is_removed then issue_id end) as removed_issues,
        count(distinct case when is_completed_in_cycle then issue_id end) as completed_issues,
        count(distinct case when is_carried_over then issue_id end) as carried_over_issues

    from stay_flags
    group by cycle_id

),

counted as (

    select
        cycles.cycle_id,
        cycles.team_id,
        cycles.cycle_number,
        cycles.cycle_name,
        cycles.starts_at,
        cycles.ends_at,
        cycles.completed_at,
        cycles.completed_at is not null as is_completed,
        cycles.archived_at is not null as is_archived,
        coalesce(cycle_counts.committed_issues, 0) as committed_issues,
        coalesce(cycle_counts.added_issues, 0) as added_issues,
        coalesce(cycle_counts.removed_issues, 0) as removed_issues,
        coalesce(cycle_counts.completed_issues, 0) as completed_issues,
        case
            when cycles.completed_at is not null
                then coalesce(cycle_counts.carried_over_issues, 0)
        end as carried_over_issues

    from cycles
    left join cycle_counts
        on cycles.cycle_id = cycle_counts.cycle_id

),

final as (

    select
        *,
        completed_issues * 1.0
        / nullif(committed_issues + added_issues - removed_issues, 0) as completion_rate

    from counted

)

select * from final
