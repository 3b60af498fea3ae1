with

source as (

    {{ select_source('linear', 'raw_issue_state_spans') }}

),

renamed as (

    select
        cast(id as {{ dbt.type_string() }}) as issue_state_span_id,
        cast(issue__id as {{ dbt.type_string() }}) as issue_id,
        cast(state_id as {{ dbt.type_string() }}) as state_id,

        {{ utc_timestamp('started_at') }} as started_at,
        {{ utc_timestamp('ended_at') }} as ended_at

    from source

)

select * from renamed
