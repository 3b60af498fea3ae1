-- One row per label added to or removed from an issue by one change of its history
-- (`IssueHistory.addedLabelIds` / `removedLabelIds`): the JSON arrays of
-- stg_linear__issue_history, one label per row.
with

history as (

    select * from {{ ref('stg_linear__issue_history') }}

),

added_labels as (

    {{ json_array_tokens('history', 'issue_history_id, issue_id, actor_user_id, is_bot_change, changed_at', 'added_label_ids') }}

),

removed_labels as (

    {{ json_array_tokens('history', 'issue_history_id, issue_id, actor_user_id, is_bot_change, changed_at', 'removed_label_ids') }}

),

label_changes as (

    select
        issue_history_id,
        issue_id,
        cast(token as {{ dbt.type_string() }}) as label_id,
        'added' as change_type,
        actor_user_id,
        is_bot_change,
        changed_at

    from added_labels

    union all

    select
        issue_history_id,
        issue_id,
        cast(token as {{ dbt.type_string() }}) as label_id,
        'removed' as change_type,
        actor_user_id,
        is_bot_change,
        changed_at

    from removed_labels

),

final as (

    select
        {{ dbt.concat(['issue_history_id', "'|'", 'label_id', "'|'", 'change_type']) }}
            as issue_label_change_key,
        issue_history_id,
        issue_id,
        label_id,
        change_type,
        actor_user_id,
        is_bot_change,
        changed_at

    from label_changes

)

select * from final
