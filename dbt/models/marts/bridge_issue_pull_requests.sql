-- One row per link between a Linear issue and a GitHub pull request, with how it was found,
-- best method first:
--   branch_name       the PR's head branch is exactly the issue's Linear branch name
--   branch_identifier the issue identifier (ENG-123) is a whole word of the head branch
--   title_identifier  the issue identifier is a whole word of the PR title
-- Identifiers match case-insensitively, only for issues that exist; a "word" is a maximal run
-- of letters and digits joined by one dash to digits, so ENG-12 never matches ENG-123 and
-- `patch-4` or `boto3-6.0` match nothing. `is_primary_link` marks the one issue a PR reports
-- in `fct_pull_requests`: best method, then first mentioned, then lowest identifier.
{%- set identifier_pattern = '[A-Za-z0-9]+-[0-9]+[A-Za-z0-9]*' %}
with

issues as (

    select * from {{ ref('stg_linear__issues') }}

),

pull_requests as (

    select * from {{ ref('stg_github__pull_requests') }}

),

branch_tokens as (

    {{ regexp_tokens('pull_requests', 'pull_request_id', 'head_ref', identifier_pattern) }}

),

title_tokens as (

    {{ regexp_tokens('pull_requests', 'pull_request_id', 'title', identifier_pattern) }}

),

branch_name_links as (

    select
        issues.issue_id,
        pull_requests.pull_request_id,
        'branch_name' as link_method,
        1 as link_rank,
        0 as mention_position

    from pull_requests
    inner join issues
        on pull_requests.head_ref = issues.branch_name

),

branch_identifier_links as (

    select distinct
        issues.issue_id,
        pull_requests.pull_request_id,
        'branch_identifier' as link_method,
        2 as link_rank,
        {{ dbt.position('upper(branch_tokens.token)', 'upper(pull_requests.head_ref)') }}
            as mention_position

    from branch_tokens
    inner join issues
        on upper(branch_tokens.token) = upper(issues.issue_identifier)
    inner join pull_requests
        on branch_tokens.pull_request_id = pull_requests.pull_request_id

),

title_identifier_links as (

    select distinct
        issues.issue_id,
        pull_requests.pull_request_id,
        'title_identifier' as link_method,
        3 as link_rank,
        {{ dbt.position('upper(title_tokens.token)', 'upper(pull_requests.title)') }}
            as mention_position

    from title_tokens
    inner join issues
        on upper(title_tokens.token) = upper(issues.issue_identifier)
    inner join pull_requests
        on title_tokens.pull_request_id = pull_requests.pull_request_id

),

all_links as (

    select * from branch_name_links
    union all
    select * from branch_identifier_links
    union all
    select * from title_identifier_links

),

best_link_per_pair as (

    select
        *,
        row_number() over (
            partition by issue_id, pull_request_id
            order by link_rank
        ) as rank_within_pair

    from all_links

),

links as (

    select
        issue_id,
        pull_request_id,
        link_method,
        link_rank,
        mention_position

    from best_link_per_pair
    where rank_within_pair = 1

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
        row_number() over (
            partition by links.pull_request_id
            order by links.link_rank, links.mention_position, issues.issue_identifier
        ) = 1 as is_primary_link

    from links
    inner join issues
        on links.issue_id = issues.issue_id
    inner join pull_requests
        on links.pull_request_id = pull_requests.pull_request_id

)

select * from final
