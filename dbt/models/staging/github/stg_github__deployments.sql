-- Deployments of every kind `sources.github.deployments` can name (a GitHub deployment, a
-- successful run of the deploy workflow, a published release), one row each.
with

source as (

    select * from {{ source_or_empty('github', 'raw_deployments', {
        'id': dbt.type_bigint(), 'repo': dbt.type_string(), 'deployment_source': dbt.type_string(),
        'sha': dbt.type_string(), 'ref': dbt.type_string(), 'environment': dbt.type_string(),
        'task': dbt.type_string(), 'creator__login': dbt.type_string(),
        'production_environment': dbt.type_boolean(), 'conclusion': dbt.type_string(),
        'tag_name': dbt.type_string(), 'draft': dbt.type_boolean(), 'prerelease': dbt.type_boolean(),
        'created_at': dbt.type_timestamp(), 'updated_at': dbt.type_timestamp(),
        'run_started_at': dbt.type_timestamp(), 'published_at': dbt.type_timestamp(),
    }) }}

),

renamed as (

    select
        -- ids
        cast(id as {{ dbt.type_string() }}) as deployment_id,
        repo as repo_full_name,

        -- attributes
        deployment_source,
        sha,
        ref,
        environment,
        task,
        creator__login as creator_login,
        conclusion as workflow_conclusion,
        tag_name,
        coalesce(production_environment, false) as is_production_environment,
        coalesce(draft, false) as is_draft,
        coalesce(prerelease, false) as is_prerelease,

        -- timestamps (UTC)
        {{ utc_timestamp('created_at') }} as created_at,
        {{ utc_timestamp('updated_at') }} as updated_at,
        {{ utc_timestamp('run_started_at') }} as run_started_at,
        {{ utc_timestamp('published_at') }} as published_at

    from source

)

select * from renamed
