-- One row per Linear issue with its team, state, people, cycle, project and labels resolved,
-- and its Linear-only metrics. Depends on Linear alone: `fct_issues` adds the linked PRs.
with

issues as (

    select * from {{ ref('stg_linear__issues') }}

),

teams as (

    select * from {{ ref('stg_linear__teams') }}

),

workflow_states as (

    select * from {{ ref('stg_linear__workflow_states') }}

),

users as (

    select * from {{ ref('stg_linear__users') }}

),

cycles as (

    select * from {{ ref('stg_linear__cycles') }}

),

projects as (

    select * from {{ ref('stg_linear__projects') }}

),

issue_labels as (

    select * from {{ ref('int_linear__issue_labels_rolled_up') }}

),

comments as (

    select * from {{ ref('stg_linear__comments') }}

),

comment_counts as (

    select
        issue_id,
        count(*) as comment_count

    from comments
    where archived_at is null
    group by issue_id

),

final as (

    select
        issues.issue_id,
        issues.issue_identifier,
        issues.issue_number,
        issues.title,
        issues.issue_url,
        issues.branch_name,

        issues.team_id,
        teams.team_key,
        teams.team_name,

        issues.state_id,
        workflow_states.state_name,
        workflow_states.state_type,

        issues.assignee_user_id,
        assignees.user_name as assignee_name,
        issues.creator_user_id,
        creators.user_name as creator_name,

        issues.cycle_id,
        cycles.cycle_name,
        cycles.cycle_number,
        cycles.starts_at as cycle_starts_at,
        cycles.ends_at as cycle_ends_at,

        issues.project_id,
        projects.project_name,
        issues.parent_issue_id,

        issue_labels.labels,
        coalesce(issue_labels.label_count, 0) as label_count,
        coalesce(comment_counts.comment_count, 0) as comment_count,

        issues.priority,
        issues.priority_label,
        issues.estimate,
        issues.due_date,

        issues.created_at,
        issues.updated_at,
        issues.triaged_at,
        issues.started_at,
        issues.completed_at,
        issues.canceled_at,
        issues.archived_at,

        coalesce(workflow_states.state_type = 'completed', false) as is_completed,
        coalesce(workflow_states.state_type = 'canceled', false) as is_canceled,
        -- Linear's `duplicate` type: neither completed nor canceled work.
        coalesce(workflow_states.state_type = 'duplicate', false) as is_duplicate,
        issues.archived_at is not null as is_archived,
        issues.is_trashed,

        {{ hours_between('issues.created_at', 'issues.completed_at') }} as lead_time_hours,
        {{ hours_between('issues.started_at', 'issues.completed_at') }} as cycle_time_hours

    from issues
    left join teams
        on issues.team_id = teams.team_id
    left join workflow_states
        on issues.state_id = workflow_states.state_id
    left join users as assignees
        on issues.assignee_user_id = assignees.user_id
    left join users as creators
        on issues.creator_user_id = creators.user_id
    left join cycles
        on issues.cycle_id = cycles.cycle_id
    left join projects
        on issues.project_id = projects.project_id
    left join issue_labels
        on issues.issue_id = issue_labels.issue_id
    left join comment_counts
        on issues.issue_id = comment_counts.issue_id

)

select * from final
