with

source as (

    {{ select_source('github', 'raw_pull_requests__requested_reviewers') }}

),

renamed as (

    select
        _dlt_id as pull_request_requested_reviewer_dlt_id,
        -- the pull request row's dlt id (`stg_github__pull_requests.pull_request_dlt_id`)
        _dlt_parent_id as pull_request_dlt_id,
        cast(id as {{ dbt.type_string() }}) as reviewer_github_user_id,
        login as reviewer_login,
        type as reviewer_type,
        cast(_dlt_list_idx as {{ dbt.type_int() }}) as reviewer_position

    from source

)

select * from renamed
