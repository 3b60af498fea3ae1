-- One row per Linear user matched to a GitHub org member, one-to-one, by the first rule that
-- matches (dbt/README.md, "People across Linear and GitHub"): the GitHub user id linked in
-- Linear (`github_user_id`), then the email (case-insensitive; GitHub's public email:
-- `email`), then the override seed (`override`). Each rule only sees the people and accounts
-- earlier rules left unmatched; within a rule, macro `pick_one_to_one` keeps each side's first
-- choice.
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

id_candidates as (

    select
        user_id as linear_user_id,
        github_user_id

    from linear_users
    where github_user_id is not null

),

email_candidates as (

    select
        linear_users.user_id as linear_user_id,
        github_users.github_user_id

    from linear_users
    inner join github_users
        on lower(trim(linear_users.email)) = lower(trim(github_users.email))

),

override_candidates as (

    select
        linear_users.user_id as linear_user_id,
        github_users.github_user_id

    from overrides
    inner join linear_users
        on lower(trim(overrides.linear_email)) = lower(trim(linear_users.email))
    inner join github_users
        on lower(trim(overrides.github_login)) = lower(github_users.github_login)

),

id_matches as (

    {{ pick_one_to_one('id_candidates', 'github_user_id') }}

),

email_matches as (

    {{ pick_one_to_one('email_candidates', 'email', earlier='id_matches') }}

),

earlier_matches as (

    select * from id_matches
    union all
    select * from email_matches

),

override_matches as (

    {{ pick_one_to_one('override_candidates', 'override', earlier='earlier_matches') }}

),

final as (

    select * from earlier_matches
    union all
    select * from override_matches

)

select * from final
