-- One row per person across Linear and GitHub: each Linear user with the GitHub account matched
-- to them (int_linear__github_identity_matches: one-to-one, by linked id, email, override),
-- then the GitHub members no rule matched. Unmatched people stay, on either side
-- (`match_method` = `unmatched`). `is_bot`: the GitHub account is a bot (macro
-- `is_bot_account`: user type Bot, a `[bot]` login, or a login of the `bot_logins` var).
with

linear_users as (

    select * from {{ ref('stg_linear__users') }}

),

github_users as (

    select * from {{ ref('stg_github__users') }}

),

matches as (

    select * from {{ ref('int_linear__github_identity_matches') }}

),

linear_people as (

    select
        linear_users.user_id as user_key,
        linear_users.user_id as linear_user_id,
        github_users.github_user_id,
        github_users.github_login,
        coalesce(linear_users.user_name, github_users.user_name, github_users.github_login)
            as name,
        coalesce(linear_users.email, github_users.email) as email,
        linear_users.is_active as is_linear_active,
        github_users.github_user_id is not null as is_github_member,
        {{ is_bot_account('github_users.github_login', 'github_users.user_type') }} as is_bot,
        coalesce(matches.match_method, 'unmatched') as match_method

    from linear_users
    left join matches
        on linear_users.user_id = matches.linear_user_id
    left join github_users
        on matches.github_user_id = github_users.github_user_id

),

github_only_people as (

    select
        {{ dbt.concat(["'gh-'", 'github_users.github_user_id']) }} as user_key,
        cast(null as {{ dbt.type_string() }}) as linear_user_id,
        github_users.github_user_id,
        github_users.github_login,
        coalesce(github_users.user_name, github_users.github_login) as name,
        github_users.email,
        false as is_linear_active,
        true as is_github_member,
        {{ is_bot_account('github_users.github_login', 'github_users.user_type') }} as is_bot,
        'unmatched' as match_method

    from github_users
    left join matches
        on github_users.github_user_id = matches.github_user_id
    where matches.github_user_id is null

),

final as (

    select * from linear_people
    union all
    select * from github_only_people

)

select * from final
