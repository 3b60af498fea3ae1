-- One row per Linear issue and span of time in one workflow state: where issues waited and
-- for how long (int_linear__issue_state_spans, where the arithmetic is).
with

spans as (

    select * from {{ ref('int_linear__issue_state_spans') }}

),

final as (

    select * from spans

)

select * from final
