with

source as (

    select * from {{ source_or_empty('linear', 'raw_issue_history', {
        'id': dbt.type_string(), 'issue__id': dbt.type_string(), 'actor_id': dbt.type_string(),
        'bot_actor__id': dbt.type_string(), 'bot_actor__type': dbt.type_string(),
        'bot_actor__name': dbt.type_string(),
        'from_state_id': dbt.type_string(), 'to_state_id': dbt.type_string(),
        'from_assignee_id': dbt.type_string(), 'to_assignee_id': dbt.type_string(),
        'from_cycle_id': dbt.type_string(), 'to_cycle_id': dbt.type_string(),
        'from_project_id': dbt.type_string(), 'to_project_id': dbt.type_string(),
        'from_team_id': dbt.type_string(), 'to_team_id': dbt.type_string(),
        'from_estimate': dbt.type_float(), 'to_estimate': dbt.type_float(),
        'from_priority': dbt.type_float(), 'to_priority': dbt.type_float(),
        'auto_closed': dbt.type_boolean(), 'auto_archived': dbt.type_boolean(),
        'added_label_ids': dbt.type_string(), 'removed_label_ids': dbt.type_string(),
        'created_at': dbt.type_timestamp(), 'archived_at': dbt.type_timestamp(),
    }) }}
    {{ of_live_parent('issue__id', 'linear', 'raw_issues', 'id') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_string() }}) as issue_history_id,
        cast(issue__id as {{ dbt.type_string() }}) as issue_id,
        cast(actor_id as {{ dbt.type_string() }}) as actor_user_id,
        cast(bot_actor__id as {{ dbt.type_string() }}) as bot_actor_id,
        cast(from_state_id as {{ dbt.type_string() }}) as from_state_id,
        cast(to_state_id as {{ dbt.type_string() }}) as to_state_id,
        cast(from_assignee_id as {{ dbt.type_string() }}) as from_assignee_user_id,
        cast(to_assignee_id as {{ dbt.type_string() }}) as to_assignee_user_id,
        cast(from_cycle_id as {{ dbt.type_string() }}) as from_cycle_id,
        cast(to_cycle_id as {{ dbt.type_string() }}) as to_cycle_id,
        cast(from_project_id as {{ dbt.type_string() }}) as from_project_id,
        cast(to_project_id as {{ dbt.type_string() }}) as to_project_id,
        cast(from_team_id as {{ dbt.type_string() }}) as from_team_id,
        cast(to_team_id as {{ dbt.type_string() }}) as to_team_id,

        -- attributes
        bot_actor__type as bot_actor_type,
        bot_actor__name as bot_actor_name,
        cast(from_estimate as {{ dbt.type_float() }}) as from_estimate,
        cast(to_estimate as {{ dbt.type_float() }}) as to_estimate,
        cast(from_priority as {{ dbt.type_int() }}) as from_priority,
        cast(to_priority as {{ dbt.type_int() }}) as to_priority,
        bot_actor__type is not null as is_bot_change,
        coalesce(auto_closed, false) as is_auto_closed,
        coalesce(auto_archived, false) as is_auto_archived,
        -- JSON arrays of label ids (dlt's json type); one row per label in
        -- stg_linear__issue_label_changes
        added_label_ids,
        removed_label_ids,

        -- timestamps (UTC)
        {{ utc_timestamp('created_at') }} as changed_at,
        {{ utc_timestamp('archived_at') }} as archived_at

    from source

)

select * from renamed
