with

source as (

    {{ select_source('github', 'raw_pull_requests__requested_teams') }}

),

renamed as (

    select
        _dlt_id as pull_request_requested_team_dlt_id,
        -- the pull request row's dlt id (`stg_github__pull_requests.pull_request_dlt_id`)
        _dlt_parent_id as pull_request_dlt_id,
        cast(id as {{ dbt.type_string() }}) as team_id,
        slug as team_slug,
        cast(_dlt_list_idx as {{ dbt.type_int() }}) as team_position

    from source

)

select * from renamed
