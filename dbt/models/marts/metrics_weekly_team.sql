-- One row per Linear team and ISO week (Monday, UTC), every week from the week of the team's
-- first issue to the week of the data's as-of time (the newest issue change loaded), weeks
-- without activity included as zeros: throughput, work in progress and cycle time. An issue
-- counts for its current team. See dbt/README.md, "Weekly team trends".
with

issues as (

    select * from {{ ref('int_linear__issues_enriched') }}

),

spans as (

    select * from {{ ref('int_linear__issue_state_spans') }}

),

digits as (

    {% for digit in range(10) -%}
    select {{ digit }} as digit{% if not loop.last %} union all{% endif %}
    {% endfor %}

),

week_numbers as (

    select hundreds.digit * 100 + tens.digit * 10 + ones.digit as week_number
    from digits as hundreds
    cross join digits as tens
    cross join digits as ones

),

as_of as (

    select {{ iso_week_start('max(updated_at)') }} as last_week_start
    from issues

),

team_first_weeks as (

    select
        team_id,
        {{ iso_week_start('min(created_at)') }} as first_week_start
    from issues
    where team_id is not null
    group by team_id

),

team_weeks as (

    select
        team_first_weeks.team_id,
        cast({{ dbt.dateadd('day', '7 * week_numbers.week_number', 'team_first_weeks.first_week_start') }} as date)
            as week_start,
        as_of.last_week_start

    from team_first_weeks
    cross join week_numbers
    cross join as_of

),

weeks as (

    select team_id, week_start
    from team_weeks
    where week_start <= last_week_start

),

completions as (

    select
        team_id,
        {{ iso_week_start('completed_at') }} as week_start,
        cycle_time_hours
    from issues
    where is_completed
        and completed_at is not null

),

completed_weeks as (

    {{ grouped_percentiles('completions', 'team_id, week_start', [
        ('cycle_time_p50_hours', 'cycle_time_hours', 0.5),
        ('cycle_time_p85_hours', 'cycle_time_hours', 0.85),
    ], aggregates=['count(*) as issues_completed']) }}

),

started_spans as (

    select
        issues.team_id,
        spans.issue_id,
        {{ iso_week_start('spans.started_at') }} as first_week_start,
        {{ iso_week_start('spans.ended_at') }} as ended_week_start
    from spans
    inner join issues
        on spans.issue_id = issues.issue_id
    where spans.state_type = 'started'

),

in_progress_weeks as (

    select
        weeks.team_id,
        weeks.week_start,
        count(distinct started_spans.issue_id) as issues_in_progress
    from weeks
    inner join started_spans
        on weeks.team_id = started_spans.team_id
        and started_spans.first_week_start <= weeks.week_start
        and (
            started_spans.ended_week_start is null
            or started_spans.ended_week_start > weeks.week_start
        )
    group by weeks.team_id, weeks.week_start

),

final as (

    select
        weeks.team_id,
        weeks.week_start,
        coalesce(completed_weeks.issues_completed, 0) as issues_completed,
        coalesce(in_progress_weeks.issues_in_progress, 0) as issues_in_progress,
        completed_weeks.cycle_time_p50_hours,
        completed_weeks.cycle_time_p85_hours
    from weeks
    left join completed_weeks
        on weeks.team_id = completed_weeks.team_id
        and weeks.week_start = completed_weeks.week_start
    left join in_progress_weeks
        on weeks.team_id = in_progress_weeks.team_id
        and weeks.week_start = in_progress_weeks.week_start

)

select * from final
