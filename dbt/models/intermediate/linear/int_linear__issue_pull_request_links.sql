-- One row per link between a Linear issue and a GitHub pull request, with the best rule that
-- found it (dbt/README.md, "Issue links"), best first:
--   linear_attachment  Linear's own link: its GitHub integration attached the PR to the issue
--   branch_name        the PR's head branch is exactly the issue's Linear branch name
--   branch_identifier  an identifier of the issue (ENG-123) is a whole word of the head branch
--   title_identifier   an identifier of the issue is a whole word of the PR title
--   body_magic_word    the PR description says `Fixes ENG-123` or `Part of ENG-123` (Linear's
--                      closing and contributing words); one magic word takes a list of
--                      identifiers on its line (`Fixes ENG-1, ENG-2 and ENG-3`), and each
--                      magic word on a line starts its own list (`Fixes ENG-1, part of ENG-4`)
-- An issue's identifiers are its current one and those it had before moving to another team
-- (`previousIdentifiers`). Identifiers match case-insensitively, only for issues that exist; a
-- "word" is a maximal run of letters and digits joined by one dash to digits, so ENG-12 never
-- matches ENG-123 and `patch-4` or `boto3-6.0` match nothing. `link_kind` says whether the PR
-- closes the issue or contributes to it, where Linear's attachment or a magic word says so (the
-- best-ranked link of the pair that says). `is_primary_link` marks the one issue a PR reports
-- in `fct_pull_requests`: best rule, then first mentioned, then lowest identifier.
-- Cross-source: needs Linear (issues, attachments) and GitHub (pull requests).
{%- set identifier_pattern = '[A-Za-z0-9]+-[0-9]+[A-Za-z0-9]*' %}
{%- set closing_words = 'close[sd]?|closing|fix(?:e[sd])?|fixing|resolve[sd]?|resolving|complete[sd]?|completing|implement(?:s|ed|ing)?' %}
{%- set contributing_words = 'refs?|references|part of|related to|relates to|contributes to|towards?' %}
{#- Between two identifiers of one list: commas, ampersands, spaces and `and`, never a newline. #}
{%- set list_separator = '[ ,&]+(?:and[ ]+)?' %}
{%- set magic_pattern = '(?i)(?:^|[^A-Za-z0-9])(?:' ~ closing_words ~ '|' ~ contributing_words ~ ')[ :]+' ~ identifier_pattern ~ '(?:' ~ list_separator ~ identifier_pattern ~ ')*' %}
with

issues as (

    select * from {{ ref('stg_linear__issues') }}

),

previous_identifiers as (

    select * from {{ ref('stg_linear__issue_previous_identifiers') }}

),

attachments as (

    select * from {{ ref('stg_linear__attachments') }}

),

pull_requests as (

    select * from {{ ref('stg_github__pull_requests') }}

),

issue_identifiers as (

    select
        issue_id,
        issue_identifier as identifier

    from issues

    union all

    select
        issues.issue_id,
        previous_identifiers.previous_identifier as identifier

    from previous_identifiers
    inner join issues
        on previous_identifiers.issue_dlt_id = issues.issue_dlt_id

),

-- the texts whose words name issues: the head branch and the title
searched_texts as (

    select
        pull_request_id,
        'branch_identifier' as link_method,
        head_ref as searched_text

    from pull_requests

    union all

    select
        pull_request_id,
        'title_identifier' as link_method,
        title as searched_text

    from pull_requests

),

identifier_tokens as (

    {{ regexp_tokens('searched_texts', 'pull_request_id, link_method, searched_text', 'searched_text', identifier_pattern) }}

),

magic_word_phrases as (

    {{ regexp_tokens('pull_requests', 'pull_request_id, body', 'body', magic_pattern) }}

),

magic_word_phrase_texts as (

    select
        pull_request_id,
        token as phrase,
        {{ dbt.position('token', 'body') }} as phrase_position

    from magic_word_phrases

),

magic_word_tokens as (

    {#- key columns: the pull request and the phrase each identifier came from -#}
    {{ regexp_tokens('magic_word_phrase_texts', 'pull_request_id, phrase, phrase_position', 'phrase', identifier_pattern) }}

),

-- every identifier a rule reads in a pull request, where it stands, and the kind of link its
-- magic word says
mentions as (

    select
        pull_request_id,
        link_method,
        token as identifier,
        {{ dbt.position('upper(token)', 'upper(searched_text)') }} as mention_position,
        cast(null as {{ dbt.type_string() }}) as link_kind

    from identifier_tokens

    union all

    select
        pull_request_id,
        'body_magic_word' as link_method,
        token as identifier,
        {#- where the identifier starts in its phrase: as a whole word, with the list's
            separators (same length) made spaces, so ENG-1 is not found inside ENG-12 -#}
        phrase_position + {{ dbt.position(
            dbt.concat(["' '", 'upper(token)', "' '"]),
            dbt.concat(["' '", dbt.replace(dbt.replace(dbt.replace('upper(phrase)', "','", "' '"), "'&'", "' '"), "':'", "' '"), "' '"])
        ) }} as mention_position,
        case
            when {{ regexp_capture('phrase', '(?i)^[^A-Za-z0-9]?(' ~ closing_words ~ ')[ :]') }}
                is not null
                then 'closes'
            else 'contributes'
        end as link_kind

    from magic_word_tokens

),

attachment_links as (

    select
        attachments.issue_id,
        pull_requests.pull_request_id,
        'linear_attachment' as link_method,
        0 as mention_position,
        attachments.link_kind

    from attachments
    inner join pull_requests
        on lower(attachments.repo_full_name) = lower(pull_requests.repo_full_name)
        and attachments.pull_request_number = pull_requests.pull_request_number
    inner join issues
        on attachments.issue_id = issues.issue_id
    where
        attachments.source_type = 'github'
        and not attachments.is_archived

),

branch_name_links as (

    select
        issues.issue_id,
        pull_requests.pull_request_id,
        'branch_name' as link_method,
        0 as mention_position,
        cast(null as {{ dbt.type_string() }}) as link_kind

    from pull_requests
    inner join issues
        on pull_requests.head_ref = issues.branch_name

),

mention_links as (

    select
        issue_identifiers.issue_id,
        mentions.pull_request_id,
        mentions.link_method,
        mentions.mention_position,
        mentions.link_kind

    from mentions
    inner join issue_identifiers
        on upper(mentions.identifier) = upper(issue_identifiers.identifier)

),

all_links as (

    select * from attachment_links
    union all
    select * from branch_name_links
    union all
    select * from mention_links

),

ranked_links as (

    select
        *,
        case link_method
            when 'linear_attachment' then 1
            when 'branch_name' then 2
            when 'branch_identifier' then 3
            when 'title_identifier' then 4
            when 'body_magic_word' then 5
        end as link_rank

    from all_links

),

-- each issue and pull request once: its best link, with the kind the best link that knows one
-- says
pairs as (

    select
        issue_id,
        pull_request_id,
        link_method,
        link_rank,
        mention_position,
        first_value(link_kind) over (
            partition by issue_id, pull_request_id
            order by link_kind is null, link_rank, mention_position
            rows between unbounded preceding and unbounded following
        ) as link_kind,
        row_number() over (
            partition by issue_id, pull_request_id
            order by link_rank, mention_position
        ) as rank_within_pair

    from ranked_links

),

best_links as (

    select * from pairs
    where rank_within_pair = 1

),

final as (

    select
        {{ dbt.concat(['best_links.issue_id', "'|'", 'best_links.pull_request_id']) }}
            as issue_pull_request_key,
        best_links.issue_id,
        issues.issue_identifier,
        best_links.pull_request_id,
        pull_requests.repo_full_name,
        pull_requests.pull_request_number,
        best_links.link_method,
        best_links.link_kind,
        row_number() over (
            partition by best_links.pull_request_id
            order by best_links.link_rank, best_links.mention_position, issues.issue_identifier
        ) = 1 as is_primary_link

    from best_links
    inner join issues
        on best_links.issue_id = issues.issue_id
    inner join pull_requests
        on best_links.pull_request_id = pull_requests.pull_request_id

)

select * from final
