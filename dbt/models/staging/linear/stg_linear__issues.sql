with

source as (

    select * from {{ source('linear', 'raw_issues') }}
    {{ live_rows('linear', 'raw_issues') }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_string() }}) as issue_id,
        cast(identifier as {{ dbt.type_string() }}) as issue_identifier,
        cast(team__id as {{ dbt.type_string() }}) as team_id,
        cast(state__id as {{ dbt.type_string() }}) as state_id,
        cast(assignee__id as {{ dbt.type_string() }}) as assignee_user_id,
        cast(creator__id as {{ dbt.type_string() }}) as creator_user_id,
        cast(cycle__id as {{ dbt.type_string() }}) as cycle_id,
        cast(project__id as {{ dbt.type_string() }}) as project_id,
        cast(parent__id as {{ dbt.type_string() }}) as parent_issue_id,
        -- dlt's row id: child tables (issue labels) point at it
        cast(_dlt_id as {{ dbt.type_string() }}) as issue_dlt_id,

        -- attributes
        cast(number as {{ dbt.type_int() }}) as issue_number,
        title,
        url as issue_url,
        branch_name,
        cast(priority as {{ dbt.type_int() }}) as priority,
        priority_label,
        cast(estimate as {{ dbt.type_int() }}) as estimate,
        cast(due_date as date) as due_date,
        coalesce(trashed, false) as is_trashed,
        {{ is_deleted_column('linear', 'raw_issues') }} as is_deleted,

        -- timestamps (UTC)
        {{ utc_timestamp('created_at') }} as created_at,
        {{ utc_timestamp('updated_at') }} as updated_at,
        {{ utc_timestamp('triaged_at') }} as triaged_at,
        {{ utc_timestamp('started_at') }} as started_at,
        {{ utc_timestamp('completed_at') }} as completed_at,
        {{ utc_timestamp('canceled_at') }} as canceled_at,
        {{ utc_timestamp('auto_closed_at') }} as auto_closed_at,
        {{ utc_timestamp('archived_at') }} as archived_at,
        {{ utc_timestamp('auto_archived_at') }} as auto_archived_at

    from source

)

select * from renamed
