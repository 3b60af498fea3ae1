-- DORA for the last 12 weeks: deploys, lead time, change failure rate, time to restore (weeks with deploys)
select
    repo_full_name as repository,
    week_start,
    deployments,
    round(lead_time_for_changes_p50_hours, 1) as lead_time_p50_hours,
    round(change_failure_rate, 2) as change_failure_rate,
    round(time_to_restore_p50_hours, 1) as time_to_restore_p50_hours
from {{ ref('metrics_weekly_repository') }}
where
    week_start > (select max(week_start) from {{ ref('metrics_weekly_repository') }}) - 84
    and deployments > 0
order by repository, week_start
