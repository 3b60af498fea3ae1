-- One row per time a Linear issue was added to or removed from a cycle (from Linear's
-- `Issue.history`): moving an issue from one cycle to the next is a removal from the first
-- and an addition to the second. `is_during_cycle` marks changes made while the cycle ran
-- (scope change); additions before it started are its commitment.
with

history as (

    select * from {{ ref('stg_linear__issue_history') }}

),

cycles as (

    select * from {{ ref('stg_linear__cycles') }}

),

cycle_moves as (

    select * from history
    where
        (from_cycle_id is not null or to_cycle_id is not null)
        and (from_cycle_id is null or to_cycle_id is null or from_cycle_id != to_cycle_id)

),

changes as (

    select
        issue_history_id,
        issue_id,
        to_cycle_id as cycle_id,
        'added' as change_type,
        changed_at,
        actor_user_id,
        is_bot_change

    from cycle_moves
    where to_cycle_id is not null

    union all

    select
        issue_history_id,
        issue_id,
        from_cycle_id as cycle_id,
        'removed' as change_type,
        changed_at,
        actor_user_id,
        is_bot_change

    from cycle_moves
    where from_cycle_id is not null

),

final as (

    select
        {{ dbt.concat(['changes.issue_history_id', "'|'", 'changes.change_type']) }}
            as issue_cycle_change_key,
        changes.issue_id,
        changes.cycle_id,
        cycles.team_id,
        changes.change_type,
        changes.changed_at,
        changes.actor_user_id,
        changes.is_bot_change,
        cycles.starts_at as cycle_starts_at,
        cycles.ends_at as cycle_ends_at,
        coalesce(
            changes.changed_at >= cycles.starts_at and changes.changed_at < cycles.ends_at,
            false
        ) as is_during_cycle

    from changes
    left join cycles
        on changes.cycle_id = cycles.cycle_id

)

select * from final
