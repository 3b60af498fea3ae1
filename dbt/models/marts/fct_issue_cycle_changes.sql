-- One row per time a Linear issue was added to or removed from a cycle (from Linear's
-- `Issue.history`, int_linear__issue_cycle_changes): moving an issue from one cycle to the next
-- is a removal from the first and an addition to the second. `is_during_cycle` marks changes
-- made while the cycle ran (scope change); additions before it started are its commitment.
with

changes as (

    select * from {{ ref('int_linear__issue_cycle_changes') }}

),

cycles as (

    select * from {{ ref('stg_linear__cycles') }}

),

final as (

    select
        changes.issue_cycle_change_key,
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
