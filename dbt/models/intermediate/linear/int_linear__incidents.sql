-- Linear issues that are incidents: labelled `var('incident_label')` (default `incident`),
-- or filed in the team whose key is `var('incident_team_key')` (default: none). Canceled
-- and archived issues are not incidents.
with

issues as (

    select * from {{ ref('stg_linear__issues') }}
    where archived_at is null
        and canceled_at is null

),

issue_labels as (

    select * from {{ ref('stg_linear__issue_labels') }}

),

labels as (

    select * from {{ ref('stg_linear__labels') }}

),

teams as (

    select * from {{ ref('stg_linear__teams') }}

),

labelled as (

    select distinct issue_labels.issue_dlt_id
    from issue_labels
    inner join labels
        on issue_labels.label_id = labels.label_id
    where lower(labels.label_name) = lower('{{ var("incident_label", "incident") }}')

),

final as (

    select
        issues.issue_id,
        issues.issue_identifier,
        issues.team_id,
        issues.title,
        issues.created_at as opened_at,
        issues.completed_at as resolved_at
    from issues
    left join labelled
        on issues.issue_dlt_id = labelled.issue_dlt_id
    left join teams
        on issues.team_id = teams.team_id
    where labelled.issue_dlt_id is not null
    {%- if var("incident_team_key", none) %}
        or teams.team_key = '{{ var("incident_team_key") }}'
    {%- endif %}

)

select * from final
