{#- The one-to-one pick of one identity rule (int_linear__github_identity_matches): from
    `candidates` (a relation of `linear_user_id`, `github_user_id` pairs), leave out people and
    accounts an earlier rule matched (`earlier`, a relation of the same pairs, or none), then keep
    a pair only when each side is the other's first choice: a Linear user prefers the oldest
    GitHub account (then the lowest id), an account prefers the active Linear user, then the
    oldest, then the lowest id. An unknown creation date counts as newest on every warehouse
    (`created_at is null` first: ascending order puts nulls first in BigQuery, last in DuckDB).
    Needs the import CTEs `linear_users` and `github_users` (the staging models). -#}
{% macro pick_one_to_one(candidates, method, earlier=none) -%}
    select
        linear_user_id,
        github_user_id,
        '{{ method }}' as match_method

    from (
        select
            candidates.linear_user_id,
            candidates.github_user_id,
            row_number() over (
                partition by candidates.linear_user_id
                order by
                    github_users.created_at is null,
                    github_users.created_at,
                    github_users.github_user_id
            ) as rank_for_linear_user,
            row_number() over (
                partition by candidates.github_user_id
                order by
                    linear_users.is_active desc,
                    linear_users.created_at is null,
                    linear_users.created_at,
                    linear_users.user_id
            ) as rank_for_github_user

        from {{ candidates }} as candidates
        inner join linear_users
            on candidates.linear_user_id = linear_users.user_id
        inner join github_users
            on candidates.github_user_id = github_users.github_user_id
        {%- if earlier is not none %}
        left join {{ earlier }} as linear_matched
            on candidates.linear_user_id = linear_matched.linear_user_id
        left join {{ earlier }} as github_matched
            on candidates.github_user_id = github_matched.github_user_id
        where
            linear_matched.linear_user_id is null
            and github_matched.github_user_id is null
        {%- endif %}
    ) as ranked

    where rank_for_linear_user = 1 and rank_for_github_user = 1
{%- endmacro %}
