-- One row per person across Linear and GitHub. A Linear user is matched to a GitHub org member
-- by, in this order: the GitHub user id linked in Linear (`github_user_id`), the email
-- (case-insensitive, GitHub's public email: `email`), the override seed (`override`). Each rule
-- only sees the people and accounts earlier rules left unmatched, and within a rule a person
-- or account with several candidates keeps the first (active, then oldest, then lowest id), so
-- the match is one-to-one. Unmatched people stay, on either side (`unmatched`).
-- `is_bot`: the GitHub account is a bot (user type Bot, a `[bot]` login, or a login of the
-- `bot_logins` var; macro `is_bot_account`).
-- An unknown creation date counts as newest, spelt out (`order by created_at is null,
-- created_at`): ascending order puts nulls first in BigQuery but last in DuckDB.
with

linear_users as (

    select * from {{ ref('stg_linear__users') }}

),

github_users as (

    select * from {{ ref('stg_github__users') }}

),

overrides as (

    select * from {{ ref('github_identity_overrides') }}

),

-- rule 1: the GitHub user id the person linked in Linear
id_candidates as (

    select
        linear_users.user_id as linear_user_id,
        github_users.github_user_id,
        row_number() over (
            partition by github_users.github_user_id
            order by
                linear_users.is_active desc,
                linear_users.created_at is null,
                linear_users.created_at,
                linear_users.user_id
        ) as rank_for_github_user

    from linear_users
    inner join github_users
        on linear_users.github_user_id = github_users.github_user_id

),

id_matches as (

    select
        linear_user_id,
        github_user_id,
        'github_user_id' as match_method

    from id_candidates
    where rank_for_github_user = 1

),

-- rule 2: the same email, among those rule 1 left unmatched
email_candidates as (

    select
        linear_users.user_id as linear_user_id,
        github_users.github_user_id,
        row_number() over (
            partition by linear_users.user_id
            order by
                github_users.created_at is null,
                github_users.created_at,
                github_users.github_user_id
        ) as rank_for_linear_user,
        row_number() over (
            partition by github_users.github_user_id
            order by
                linear_users.is_active desc,
                linear_users.created_at is null,
                linear_users.created_at,
                linear_users.user_id
        ) as rank_for_github_user

    from linear_users
    inner join github_users
        on lower(trim(linear_users.email)) = lower(trim(github_users.email))
    left join id_matches as linear_matched
        on linear_users.user_id = linear_matched.linear_user_id
    left join id_matches as github_matched
        on github_users.github_user_id = github_matched.github_user_id
    where
        linear_matched.linear_user_id is null
        and github_matched.github_user_id is null

),

email_matches as (

    select
        linear_user_id,
        github_user_id,
        'email' as match_method

    from email_candidates
    where rank_for_linear_user = 1 and rank_for_github_user = 1

),

earlier_matches as (

    select * from id_matches
    union all
    select * from email_matches

),

-- rule 3: the override seed, among those rules 1 and 2 left unmatched
override_candidates as (

    select
        linear_users.user_id as linear_user_id,
        github_users.github_user_id,
        row_number() over (
            partition by linear_users.user_id
            order by
                github_users.created_at is null,
                github_users.created_at,
                github_users.github_user_id
        ) as rank_for_linear_user,
        row_number() over (
            partition by github_users.github_user_id
            order by
                linear_users.is_active desc,
                linear_users.created_at is null,
                linear_users.created_at,
                linear_users.user_id
        ) as rank_for_github_user

    from overrides
    inner join linear_users
        on lower(trim(overrides.linear_email)) = lower(trim(linear_users.email))
    inner join github_users
        on lower(trim(overrides.github_login)) = lower(github_users.github_login)
    left join earlier_matches as linear_matched
        on linear_users.user_id = linear_matched.linear_user_id
    left join earlier_matches as github_matched
        on github_users.github_user_id = github_matched.github_user_id
    where
        linear_matched.linear_user_id is null
        and github_matched.github_user_id is null

),

override_matches as (

    select
        linear_user_id,
        github_user_id,
        'override' as match_method

    from override_candidates
    where rank_for_linear_user = 1 and rank_for_github_user = 1

),

matches as (

    select * from earlier_matches
    union all
    select * from override_matches

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
