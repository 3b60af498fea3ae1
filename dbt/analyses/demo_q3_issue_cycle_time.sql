-- How long does a completed issue take from start to done? (median cycle time, per team)
select
    team_name as team,
    count(*) as completed_issues,
    round(median(cycle_time_hours), 1) as median_cycle_time_hours,
    round(median(cycle_time_hours) / 24, 1) as days
from {{ ref('fct_issues') }}
where is_completed
group by team_name
order by median_cycle_time_hours
