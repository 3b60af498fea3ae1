with

source as (

    select * from {{ source_or_empty('linear', 'raw_issue_state_spans', {
        'id': dbt.type_string(), 'issue__id': dbt.type_string(), 'state_id': dbt.type_string(),
        'started_at': dbt.type_timestamp(), 'ended_at': dbt.type_timestamp(),
    }) }}
    {{ of_live_parent('issue__id', 'linear', 'raw_issues', 'id') }}

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
