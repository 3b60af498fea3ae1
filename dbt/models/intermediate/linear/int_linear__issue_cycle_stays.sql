-- One row per stay of a Linear issue in a cycle: when it was added (`joined_at`) and when it
-- was taken out or moved to another cycle (`left_at`, null while it is still there), from the
-- cycle changes of `Issue.history` (int_linear__issue_cycle_changes). An addition's stay ends
-- at the next change of the same issue and cycle. An issue that is in a cycle today but whose
-- history records no addition to it (history not loaded) stays there from its creation.
with

changes as (

    select * from {{ ref('int_linear__issue_cycle_changes') }}

),

issues as (

    select * from {{ ref('stg_linear__issues') }}

),

ordered_changes as (

    select
        *,
        lead(changed_at) over (
            partition by issue_id, cycle_id
            order by changed_at, change_type, issue_history_id
        ) as next_changed_at

    from changes

),

recorded_stays as (

    select
        issue_id,
        cycle_id,
        changed_at as joined_at,
        next_changed_at as left_at

    from ordered_changes
    where change_type = 'added'

),

unrecorded_stays as (

    select
        issues.issue_id,
        issues.cycle_id,
        issues.created_at as joined_at,
        cast(null as {{ dbt.type_timestamp() }}) as left_at

    from issues
    left join changes
        on issues.issue_id = changes.issue_id
        and issues.cycle_id = changes.cycle_id
    where issues.cycle_id is not null
        and changes.issue_id is null

),

final as (

    select * from recorded_stays
    union all
    select * from unrecorded_stays

)

select * from final
