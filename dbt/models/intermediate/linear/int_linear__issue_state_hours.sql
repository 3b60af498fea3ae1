-- One row per Linear issue with state spans: hours spent in each state type (all its spans of
-- that type, the current one up to the as-of time) and how often it was reopened (see
-- fct_issue_state_spans.is_reopening).
with

spans as (

    select * from {{ ref('int_linear__issue_state_spans') }}

),

final as (

    select
        issue_id,
        coalesce(sum(case when state_type = 'triage' then hours end), 0) as hours_in_triage,
        coalesce(sum(case when state_type = 'backlog' then hours end), 0) as hours_in_backlog,
        coalesce(sum(case when state_type = 'unstarted' then hours end), 0)
            as hours_in_unstarted,
        coalesce(sum(case when state_type = 'started' then hours end), 0) as hours_in_started,
        count(case when is_reopening then 1 end) as times_reopened,
        count(*) as state_span_count

    from spans
    group by issue_id

)

select * from final
