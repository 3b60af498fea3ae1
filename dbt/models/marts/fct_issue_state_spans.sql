-- One row per Linear issue and span of time in one workflow state: where issues waited and
-- for how long (see int_linear__issue_state_spans for the arithmetic).
with

spans as (

    select * from {{ ref('int_linear__issue_state_spans') }}

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
        hours,
        is_current,
        span_number,
        previous_state_type,
        is_reopening

    from spans

)

select * from final
