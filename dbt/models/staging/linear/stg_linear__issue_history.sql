with

source as (

    {{ select_source('linear', 'raw_issue_history') }}

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
