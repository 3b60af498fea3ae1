-- One row per link between a Linear issue and a GitHub pull request, with how it was found,
-- best method first:
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
-- closes the issue or contributes to it, where Linear's attachment or a magic word says so.
-- `is_primary_link` marks the one issue a PR reports in `fct_pull_requests`: best method, then
-- first mentioned, then lowest identifier. Each link carries its pull request's delivery steps
-- (int_github__pull_request_delivery) and the hours from the issue's start to its first commit.
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

pull_request_delivery as (

    select * from {{ ref('int_github__pull_request_delivery') }}

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

branch_tokens as (

    {{ regexp_tokens('pull_requests', 'pull_request_id', 'head_ref', identifier_pattern) }}

),

title_tokens as (

    {{ regexp_tokens('pull_requests', 'pull_request_id', 'title', identifier_pattern) }}

),

magic_word_phrases as (

    {{ regexp_tokens('pull_requests', 'pull_request_id', 'body', magic_pattern) }}

),

magic_word_phrase_texts as (

    select
        pull_request_id,
        token as phrase

    from magic_word_phrases

),

magic_word_tokens as (

    {#- key columns: the pull request and the phrase each identifier came from -#}
    {{ regexp_tokens('magic_word_phrase_texts', 'pull_request_id, phrase', 'phrase', identifier_pattern) }}

),

magic_word_mentions as (

    select
        pull_request_id,
        phrase,
        token as identifier,
        {#- where the identifier starts in its phrase: as a whole word, with the list's
            separators (same length) made spaces, so ENG-1 is not found inside ENG-12 -#}
        {{ dbt.position(
            dbt.concat(["' '", 'upper(token)', "' '"]),
            dbt.concat(["' '", dbt.replace(dbt.replace(dbt.replace('upper(phrase)', "','", "' '"), "'&'", "' '"), "':'", "' '"), "' '"])
        ) }} as position_in_phrase,
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
        1 as link_rank,
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
        2 as link_rank,
        0 as mention_position,
        cast(null as {{ dbt.type_string() }}) as link_kind

    from pull_requests
    inner join issues
        on pull_requests.head_ref = issues.branch_name

),

branch_identifier_links as (

    select distinct
        issue_identifiers.issue_id,
        pull_requests.pull_request_id,
        'branch_identifier' as link_method,
        3 as link_rank,
        {{ dbt.position('upper(branch_tokens.token)', 'upper(pull_requests.head_ref)') }}
            as mention_position,
        cast(null as {{ dbt.type_string() }}) as link_kind

    from branch_tokens
    inner join issue_identifiers
        on upper(branch_tokens.token) = upper(issue_identifiers.identifier)
    inner join pull_requests
        on branch_tokens.pull_request_id = pull_requests.pull_request_id

),

title_identifier_links as (

    select distinct
        issue_identifiers.issue_id,
        pull_requests.pull_request_id,
        'title_identifier' as link_method,
        4 as link_rank,
        {{ dbt.position('upper(title_tokens.token)', 'upper(pull_requests.title)') }}
            as mention_position,
        cast(null as {{ dbt.type_string() }}) as link_kind

    from title_tokens
    inner join issue_identifiers
        on upper(title_tokens.token) = upper(issue_identifiers.identifier)
    inner join pull_requests
        on title_tokens.pull_request_id = pull_requests.pull_request_id

),

body_magic_word_links as (

    select distinct
        issue_identifiers.issue_id,
        pull_requests.pull_request_id,
        'body_magic_word' as link_method,
        5 as link_rank,
        {{ dbt.position('magic_word_mentions.phrase', 'pull_requests.body') }}
        + magic_word_mentions.position_in_phrase as mention_position,
        magic_word_mentions.link_kind

    from magic_word_mentions
    inner join issue_identifiers
        on upper(magic_word_mentions.identifier) = upper(issue_identifiers.identifier)
    inner join pull_requests
        on magic_word_mentions.pull_request_id = pull_requests.pull_request_id

),

all_links as (

    select * from attachment_links
    union all
    select * from branch_name_links
    union all
    select * from branch_identifier_links
    union all
    select * from title_identifier_links
    union all
    select * from body_magic_word_links

),

best_link_per_pair as (

    select
        *,
        row_number() over (
            partition by issue_id, pull_request_id
            order by link_rank, mention_position
        ) as rank_within_pair

    from all_links

),

known_kinds as (

    select
        issue_id,
        pull_request_id,
        link_kind,
        row_number() over (
            partition by issue_id, pull_request_id
            order by link_rank, mention_position
        ) as rank_within_pair

    from all_links
    where link_kind is not null

),

links as (

    select
        best_link_per_pair.issue_id,
        best_link_per_pair.pull_request_id,
        best_link_per_pair.link_method,
        best_link_per_pair.link_rank,
        best_link_per_pair.mention_position,
        known_kinds.link_kind

    from best_link_per_pair
    left join known_kinds
        on best_link_per_pair.issue_id = known_kinds.issue_id
        and best_link_per_pair.pull_request_id = known_kinds.pull_request_id
        and known_kinds.rank_within_pair = 1
    where best_link_per_pair.rank_within_pair = 1

),

final as (

    select
        {{ dbt.concat(['links.issue_id', "'|'", 'links.pull_request_id']) }}
            as issue_pull_request_key,
        links.issue_id,
        issues.issue_identifier,
        links.pull_request_id,
        pull_requests.repo_full_name,
        pull_requests.pull_request_number,
        links.link_method,
        links.link_kind,
        row_number() over (
            partition by links.pull_request_id
            order by links.link_rank, links.mention_position, issues.issue_identifier
        ) = 1 as is_primary_link,

        pull_request_delivery.pr_opened_at,
        pull_request_delivery.first_commit_at,
        pull_request_delivery.pr_ready_at,
        pull_request_delivery.pr_merged_at,
        {{ hours_between('issues.started_at', 'pull_request_delivery.first_commit_at') }}
            as hours_started_to_first_commit,
        pull_request_delivery.hours_first_commit_to_pr_ready,
        pull_request_delivery.hours_pr_ready_to_merged

    from links
    inner join issues
        on links.issue_id = issues.issue_id
    inner join pull_requests
        on links.pull_request_id = pull_requests.pull_request_id
    left join pull_request_delivery
        on links.pull_request_id = pull_request_delivery.pull_request_id

)

select * from final
