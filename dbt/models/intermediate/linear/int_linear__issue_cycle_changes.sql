-- One row per time a Linear issue was added to or removed from a cycle, from the cycle changes
-- of `Issue.history`: moving an issue from one cycle to the next is a removal from the first
-- and an addition to the second; a change that leaves the cycle as it was is none.
with

history as (

    select * from {{ ref('stg_linear__issue_history') }}

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
        {{ dbt.concat(['issue_history_id', "'|'", 'change_type']) }} as issue_cycle_change_key,
        *

    from changes

)

select * from final
