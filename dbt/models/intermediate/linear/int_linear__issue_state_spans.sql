-- One row per Linear issue and span of time it spent in one workflow state (Linear's
-- `Issue.stateHistory`), with the state's type and how long the span lasted. The current span
-- (`is_current`) has no `ended_at`; its `hours` run to the data's as-of time, the newest change
-- the warehouse holds from Linear (latest issue `updated_at`), so a rebuild of the same data
-- (on any warehouse) gives the same hours.
-- `is_reopening` marks a span that went back from started or completed work to an earlier
-- type (triage, backlog, unstarted; or started after completed).
with

spans as (

    select * from {{ ref('stg_linear__issue_state_spans') }}

),

workflow_states as (

    select * from {{ ref('stg_linear__workflow_states') }}

),

issues as (

    select * from {{ ref('stg_linear__issues') }}

),

change_times as (

    select updated_at as changed_at from issues
    union all
    select started_at as changed_at from spans

),

as_of as (

    select max(changed_at) as as_of_at from change_times

),

typed_spans as (

    select
        spans.issue_state_span_id,
        spans.issue_id,
        spans.state_id,
        workflow_states.state_name,
        workflow_states.state_type,
        spans.started_at,
        spans.ended_at,
        case workflow_states.state_type
            when 'triage' then 0
            when 'backlog' then 1
            when 'unstarted' then 2
            when 'started' then 3
            when 'completed' then 4
        end as state_type_rank

    from spans
    left join workflow_states
        on spans.state_id = workflow_states.state_id

),

spans_as_of as (

    select
        typed_spans.*,
        as_of.as_of_at

    from typed_spans
    cross join as_of

),

ordered_spans as (

    select
        *,
        row_number() over (
            partition by issue_id
            order by started_at, ended_at is null, ended_at, issue_state_span_id
        ) as span_number,
        lag(state_type) over (
            partition by issue_id
            order by started_at, ended_at is null, ended_at, issue_state_span_id
        ) as previous_state_type,
        lag(state_type_rank) over (
            partition by issue_id
            order by started_at, ended_at is null, ended_at, issue_state_span_id
        ) as previous_state_type_rank

    from spans_as_of

),

final as (

    select
        issue_state_span_id,
        issue_id,
        state_id,
        state_name,
        state_type,
        started_at,
        ended_at,
        {{ hours_between('started_at', 'coalesce(ended_at, as_of_at)') }}
            as hours,
        ended_at is null as is_current,
        span_number,
        previous_state_type,
        coalesce(
            previous_state_type in ('started', 'completed')
            and state_type_rank < previous_state_type_rank,
            false
        ) as is_reopening

    from ordered_spans

)

select * from final
