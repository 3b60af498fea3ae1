-- Every linked pull request has exactly one primary issue link in the bridge.
select
    pull_request_id,
    count(case when is_primary_link then 1 end) as primary_links

from {{ ref('bridge_issue_pull_requests') }}
group by pull_request_id
having count(case when is_primary_link then 1 end) != 1
