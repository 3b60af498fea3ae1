-- Did the last cycles finish what they committed? (per team, its last 3 completed cycles)
select
    teams.team_key as team,
    cycles.cycle_number as cycle,
    cast(cycles.starts_at as date) as starts_on,
    cycles.committed_issues as committed,
    cycles.added_issues as added,
    cycles.removed_issues as removed,
    cycles.completed_issues as completed,
    cycles.carried_over_issues as carried_over,
    round(100 * cycles.completion_rate) as completed_pct
from {{ ref('fct_cycles') }} as cycles
left join {{ ref('stg_linear__teams') }} as teams
    on cycles.team_id = teams.team_id
where cycles.is_completed
qualify row_number() over (partition by cycles.team_id order by cycles.starts_at desc) <= 3
order by team, starts_on
