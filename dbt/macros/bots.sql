{#- Whether a GitHub account is a bot (dbt/README.md, "Bots"): its user type is `Bot`, its
    login ends in `[bot]` (GitHub Apps such as `copilot-pull-request-reviewer[bot]` or
    Linear's linkback commenter `linear[bot]`), or it is one of the logins of the `bot_logins`
    var (case-insensitive; service accounts that are plain users). Never null. -#}
{% macro is_bot_account(login_column, type_column) -%}
    {%- set extra_logins = var('bot_logins', []) or [] -%}
    coalesce(
        {{ type_column }} = 'Bot'
        or lower({{ dbt.right(login_column, 5) }}) = '[bot]'
        {%- if extra_logins %}
        or lower({{ login_column }}) in (
            {%- for login in extra_logins %}'{{ login | lower | replace("'", "") }}'{{ ", " if not loop.last }}{% endfor -%}
        )
        {%- endif %},
        false
    )
{%- endmacro %}


{#- Hours from `start_at` to `end_at`, never negative: 0 when `end_at` comes first, null when
    either is null (the stages of fct_pull_requests, dbt/README.md "Pull-request stages"). -#}
{% macro stage_hours(start_at, end_at) -%}
    case
        when {{ start_at }} is null or {{ end_at }} is null then null
        when {{ end_at }} < {{ start_at }} then 0.0
        else {{ hours_between(start_at, end_at) }}
    end
{%- endmacro %}


{#- When a stage that follows the one ending at `previous_at` starts: at `at`, moved up to
    `previous_at` when it came earlier (a review of a draft, an approval before the review
    started), so no stage is negative; null when either is null (dbt/README.md,
    "Pull-request stages"). -#}
{% macro stage_start(previous_at, at) -%}
    case
        when {{ previous_at }} is null or {{ at }} is null then null
        when {{ at }} < {{ previous_at }} then {{ previous_at }}
        else {{ at }}
    end
{%- endmacro %}
