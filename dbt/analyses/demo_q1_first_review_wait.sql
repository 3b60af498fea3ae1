-- How long do pull requests wait for their first review? (median, per repository)
select
    repo_full_name as repository,
    count(*) as pull_requests,
    count(first_reviewed_at) as reviewed,
    round(median(hours_to_first_review), 1) as median_hours_to_first_review
from {{ ref('fct_pull_requests') }}
group by repo_full_name
order by repo_full_name
