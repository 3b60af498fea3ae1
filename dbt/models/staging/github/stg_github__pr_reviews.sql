with

source as (

    select * from {{ source('github', 'raw_pr_reviews') }}

),

renamed as (

    select
        cast(id as {{ dbt.type_string() }}) as review_id,
        repo as repo_full_name,
        cast(pull_number as {{ dbt.type_bigint() }}) as pull_request_number,
        cast(user__id as {{ dbt.type_string() }}) as reviewer_github_user_id,

        user__login as reviewer_login,
        user__type as reviewer_type,
        -- APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED or PENDING (not submitted yet)
        state as review_state,
        author_association,
        commit_id,
        html_url as review_url,

        -- null for PENDING reviews
        {{ utc_timestamp('submitted_at') }} as submitted_at

    from source

)

select * from renamed
