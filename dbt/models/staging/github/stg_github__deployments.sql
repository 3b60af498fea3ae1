-- Deployments of every kind `sources.github.deployments` can name (a GitHub deployment, a
-- successful run of the deploy workflow, a published release), one row each.
with

source as (

    {{ select_source('github', 'raw_deployments') }}

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
