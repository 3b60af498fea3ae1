with

source as (

    {{ select_source('github', 'raw_pr_comments') }}

),

renamed as (

    select
        cast(id as {{ dbt.type_string() }}) as review_comment_id,
        repo as repo_full_name,
        cast(pull_number as {{ dbt.type_bigint() }}) as pull_request_number,
        cast(pull_request_review_id as {{ dbt.type_string() }}) as review_id,
        cast(in_reply_to_id as {{ dbt.type_string() }}) as in_reply_to_review_comment_id,
        cast(user__id as {{ dbt.type_string() }}) as commenter_github_user_id,

        user__login as commenter_login,
        user__type as commenter_type,
        author_association,
        path as file_path,
        cast(line as {{ dbt.type_bigint() }}) as line,
        cast(original_line as {{ dbt.type_bigint() }}) as original_line,
        side,
        commit_id,
        html_url as review_comment_url,
        {{ is_deleted_column('github', 'raw_pr_comments') }} as is_deleted,

        {{ utc_timestamp('created_at') }} as created_at,
        {{ utc_timestamp('updated_at') }} as updated_at

    from source

)

select * from renamed
