with

source as (

    {{ select_source('github', 'raw_pull_requests__assignees') }}

),

renamed as (

    select
        _dlt_id as pull_request_assignee_dlt_id,
        -- the pull request row's dlt id (`stg_github__pull_requests.pull_request_dlt_id`)
        _dlt_parent_id as pull_request_dlt_id,
        cast(id as {{ dbt.type_string() }}) as assignee_github_user_id,
        login as assignee_login,
        type as assignee_type,
        cast(_dlt_list_idx as {{ dbt.type_int() }}) as assignee_position

    from source

)

select * from renamed
